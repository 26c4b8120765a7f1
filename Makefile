# Set-up and everyday commands. `make run` and `make test` do all set-up on a
# fresh machine with Python 3.11+ and Node.js/npm.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
STAMPS := .stamps
HOST   ?= 127.0.0.1
PORT   ?= 5000
# The demo shows the official federal basemap; tests use the app's offline tiles.
DEMO_BASEMAP_URL ?= https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_farbe/default/GLOBAL_WEBMERCATOR/{z}/{y}/{x}.png
DEMO_BASEMAP_ATTRIBUTION ?= © GeoBasis-DE / BKG (dl-de/by-2-0), basemap.de

.PHONY: run test setup serve db demo translations extract-messages assets browser bench bench-all clean

run: setup demo  ## set everything up and serve the demo on http://$(HOST):$(PORT)
	BASEMAP_URL='$(DEMO_BASEMAP_URL)' BASEMAP_ATTRIBUTION='$(DEMO_BASEMAP_ATTRIBUTION)' \
		$(FLASK) run --host $(HOST) --port $(PORT)

# The suite runs on SQLite, then again on PostgreSQL + PostGIS when TEST_DATABASE_URL
# is set (.ci/run starts PostgreSQL and Redis on loopback with tools/test-services).
test: setup browser  ## set everything up and run every test, browser tests included
	@echo "== security lint (ruff, rules in pyproject.toml) =="
	$(BIN)/ruff check .
	@echo "== test suite on SQLite =="
	env -u TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== test suite on PostgreSQL + PostGIS =="; \
		$(BIN)/pytest $(PYTEST_ARGS); \
	fi

serve: setup  ## serve with gunicorn (production-like)
	GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

setup: $(STAMPS)/python $(STAMPS)/assets translations db

$(STAMPS)/python: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,postgres]'
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/assets: package.json package-lock.json
	npm ci --no-audit --no-fund
	rm -rf static/vendor
	mkdir -p static/vendor/kern static/vendor/leaflet static/vendor/leaflet.markercluster static/vendor/leaflet-draw \
		static/vendor/leaflet.vectorgrid static/vendor/leaflet.heat
	cp -r node_modules/@kern-ux/native/dist/. static/vendor/kern/
	cp -r node_modules/leaflet/dist/. static/vendor/leaflet/
	cp -r node_modules/leaflet.markercluster/dist/. static/vendor/leaflet.markercluster/
	cp -r node_modules/leaflet-draw/dist/. static/vendor/leaflet-draw/
	cp -r node_modules/leaflet.vectorgrid/dist/. static/vendor/leaflet.vectorgrid/
	cp -r node_modules/leaflet.heat/dist/. static/vendor/leaflet.heat/
	@mkdir -p $(STAMPS) && touch $@
assets: $(STAMPS)/assets

translations: $(STAMPS)/python
	$(BIN)/pybabel compile -d participation/translations --statistics

extract-messages: $(STAMPS)/python  ## refresh the catalog after changing strings
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output -o participation/translations/messages.pot .
	$(BIN)/pybabel update -i participation/translations/messages.pot -d participation/translations --no-fuzzy-matching

db: $(STAMPS)/python
	mkdir -p instance
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else echo "Chromium is missing: sudo apt-get install chromium" >&2; exit 1; fi; }

# bench/city.py installs nginx and wrk from Debian's packages where missing (as root).
bench: setup browser  ## benchmarks (about 15 minutes), each figure beside a baseline measured in the same run
	$(BIN)/python bench/city.py
	$(BIN)/python bench/comments_bbox.py
	$(BIN)/python bench/layers_import.py
	$(BIN)/python bench/layer_tiles.py
	$(BIN)/python bench/exports.py --no-pdf
	$(BIN)/python bench/surveys.py

bench-all: setup browser  ## also the city on PostgreSQL + Redis and the PDF exports (about an hour)
	$(BIN)/python bench/city.py
	$(BIN)/python bench/city.py --postgres
	$(BIN)/python bench/comments_bbox.py
	$(BIN)/python bench/layers_import.py
	$(BIN)/python bench/layer_tiles.py
	$(BIN)/python bench/exports.py --pdf-all
	$(BIN)/python bench/surveys.py --xlsx-all

clean:
	rm -rf $(VENV) $(STAMPS) node_modules static/vendor
