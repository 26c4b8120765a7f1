/* GIS layers on a map: uploaded data as GeoJSON (simplified per zoom) or as vector
 * tiles, external WMS/WMTS as image tiles; styled, with popups and a layer switcher.
 * Names, labels and values are set with textContent; colours were checked on the
 * server and are checked again here before they reach an SVG. */
(function () {
  "use strict";
  var COLOUR = /^#[0-9a-fA-F]{6}$/;
  /* A number written as text (as GDAL stores a column that also holds text), as the server reads it
   * (participation/layers/styles/queries.py, NUMBER_TEXT). */
  var NUMBER_TEXT = /^\s*-?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?\s*$/;
  var SYMBOLS = {
    square: '<rect x="3" y="3" width="12" height="12"/>',
    triangle: '<polygon points="9,2 16,16 2,16"/>',
    diamond: '<polygon points="9,1 17,9 9,17 1,9"/>'
  };

  function colour(value, fallback) { return COLOUR.test(value || "") ? value : fallback; }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text || "";
    return div.innerHTML;
  }

  function has(object, key) { return Object.prototype.hasOwnProperty.call(object || {}, key); }

  function asNumber(value) {
    if (typeof value === "string" && NUMBER_TEXT.test(value)) { value = Number(value.replace(",", ".")); }
    return typeof value === "number" && isFinite(value) ? value : null;
  }

  /* The class or category (legend entry) of a feature's value, or null: classes are closed
   * ranges of numbers, the first that holds the value wins (a shared break goes to the lower). */
  function entryFor(style, props) {
    if (!style.categorise_by || !props) { return null; }
    var value = props[style.categorise_by], i;
    if (value === null || value === undefined) { return null; }
    var classes = style.classes || [];
    if (classes.length) {
      var number = asNumber(value);
      for (i = 0; number !== null && i < classes.length; i++) {
        if (number >= classes[i].min && number <= classes[i].max) { return classes[i]; }
      }
      return null;
    }
    for (i = 0; i < style.categories.length; i++) {
      if (String(value) === style.categories[i].value) { return style.categories[i]; }
    }
    return null;
  }

  function fillFor(style, props) {
    var entry = entryFor(style, props);
    var plain = colour(style.fill, "#2f6f9f");
    return entry ? colour(entry.colour, plain) : plain;
  }

  function pathStyle(style, props) {
    return { color: colour(style.stroke, "#1d4f73"), weight: style.width, opacity: 1,
             fillColor: fillFor(style, props), fillOpacity: style.opacity, fill: true };
  }

  var numberFormats = {};
  /* A number in the page's language; four-digit numbers (years) without a group separator. */
  function formatNumber(value) {
    var grouped = Math.abs(value) >= 10000;
    var key = grouped ? "g" : "n";
    if (!numberFormats[key]) {
      numberFormats[key] = new Intl.NumberFormat(document.documentElement.lang || undefined,
                                                 { maximumFractionDigits: 6, useGrouping: grouped });
    }
    return numberFormats[key].format(value);
  }

  /* What the popup says for a value: the legend's words for the attribute that picks the colours
   * (a classified number keeps its value, in the page's language, before its class), else the GIS
   * team's value label, else the value as it is (codes and numbers such as parcel ids unformatted). */
  function popupText(config, row, raw) {
    if (raw === null || raw === undefined || raw === "") { return "–"; }
    if (row.attribute === config.style.categorise_by) {
      var props = {};
      props[row.attribute] = raw;
      var entry = entryFor(config.style, props);
      if (entry && (config.style.classes || []).length) { return formatNumber(asNumber(raw)) + " (" + entry.label + ")"; }
      if (entry && entry.label) { return entry.label; }
    }
    var code = String(raw).trim();
    return has(row.values, code) ? row.values[code] : String(raw);
  }

  function popupContent(config, props) {
    var list = document.createElement("dl");
    list.className = "layer-popup";
    config.popup.forEach(function (row) {
      var term = document.createElement("dt");
      term.textContent = row.label;
      var value = document.createElement("dd");
      value.textContent = popupText(config, row, props ? props[row.attribute] : null);
      list.appendChild(term);
      list.appendChild(value);
    });
    return list;
  }

  function pointLayer(config, pane) {
    return function (feature, latlng) {
      var style = pathStyle(config.style, feature.properties);
      var symbol = SYMBOLS[config.style.point];
      if (!symbol) { return L.circleMarker(latlng, L.extend({ radius: 7, pane: pane }, style)); }
      var svg = '<svg xmlns="http://www.w3.org/2000/svg" width="18" height="18" viewBox="0 0 18 18" fill="' +
        style.fillColor + '" stroke="' + style.color + '" stroke-width="1.5">' + symbol + "</svg>";
      return L.marker(latlng, { pane: pane, keyboard: false,
        icon: L.divIcon({ html: svg, className: "layer-symbol", iconSize: [18, 18], iconAnchor: [9, 9] }) });
    };
  }

  function attributionHtml(config) {
    var service = (config.source && config.source.attribution) || {};
    var text = escapeHtml(config.attribution || service.text || "");
    var url = service.url;
    return url && /^https?:\/\//.test(url) ? '<a href="' + escapeHtml(url) + '" rel="noopener">' + (text || escapeHtml(url)) + "</a>" : text;
  }

  function geojsonLayer(map, config, pane, report) {
    var group = L.geoJSON(null, {
      pane: pane,
      style: function (feature) { return pathStyle(config.style, feature.properties); },
      pointToLayer: pointLayer(config, pane),
      onEachFeature: function (feature, layer) {
        if (config.popup.length) { layer.bindPopup(function () { return popupContent(config, feature.properties); }); }
      }
    });
    group.options.attribution = attributionHtml(config);
    var loadedZoom = null, pending = null;
    function load() {
      var zoom = Math.round(map.getZoom());
      if (zoom === loadedZoom || !map.hasLayer(group)) { return; }
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var url = config.source.url + (config.source.url.indexOf("?") < 0 ? "?" : "&") + "zoom=" + zoom;
      report(config, "loading");
      Pool.fetchJSON(url, { signal: pending.signal, headers: { Accept: "application/geo+json, application/json" } })
        .then(function (data) { group.clearLayers(); group.addData(data); loadedZoom = zoom; report(config, "loaded"); })
        .catch(function (err) { if (err.name !== "AbortError") { report(config, "error"); } });
    }
    map.on("zoomend", load);
    group.on("add", load);
    return group;
  }

  function vectorTileLayer(map, config, pane) {
    var layer = L.vectorGrid.protobuf(config.source.url, {
      pane: pane,
      interactive: config.popup.length > 0,
      minZoom: config.source.min_zoom || 0,
      maxNativeZoom: 18,
      attribution: attributionHtml(config),
      getFeatureId: function (feature) { return feature.id; },
      vectorTileLayerStyles: {
        features: function (props) {
          var style = pathStyle(config.style, props);
          style.radius = 6;
          return style;
        }
      }
    });
    if (config.popup.length) {
      layer.on("click", function (e) {
        L.popup().setLatLng(e.latlng).setContent(popupContent(config, e.layer.properties)).openOn(map);
      });
    }
    return layer;
  }

  /* External WMS/WMTS: options (layers, styles, format, zoom range) were built on the server. */
  function imageLayer(config, pane) {
    var source = config.source;
    var options = L.extend({ maxZoom: 19 }, source.options || {}, { pane: pane, attribution: attributionHtml(config) });
    if (source.type === "wms") { return L.tileLayer.wms(source.url, options); }
    return L.tileLayer(source.url, options);
  }

  function setUp(root) {
    var map = Pool.mapOf(root);
    var configs = JSON.parse(root.dataset.layers || "[]");
    var status = root.querySelector("[data-layer-status]");
    var states = {};
    function report(config, state) {
      states[config.id] = state;
      var failed = configs.filter(function (c) { return states[c.id] === "error"; });
      if (failed.length) {
        Pool.say(status, root.dataset.msgLayerError.replace("{name}", failed[0].name));
      } else if (configs.some(function (c) { return states[c.id] === "loading"; })) {
        Pool.say(status, root.dataset.msgLayerLoading);
      } else {
        var hidden = configs.filter(function (c) {
          return layers[c.id] && map.hasLayer(layers[c.id]) && c.source.min_zoom && map.getZoom() < c.source.min_zoom;
        });
        Pool.say(status, hidden.length ? root.dataset.msgLayerZoom.replace("{name}", hidden[0].name)
                                       : root.dataset.msgLayerLoaded);
      }
    }
    var layers = {};
    configs.forEach(function (config, index) {
      var pane = "gis-layer-" + index;
      map.createPane(pane).style.zIndex = String(300 + index);
      var layer;
      if (config.source.type === "geojson") { layer = geojsonLayer(map, config, pane, report); }
      else if (config.source.type === "vectortiles") { layer = vectorTileLayer(map, config, pane); }
      else { layer = imageLayer(config, pane); }
      layer.on("tileerror", function () { report(config, "error"); });
      if (config.source.type === "vectortiles") {
        // Large layers are only drawn from a zoom level on (see participation/layers/tiles.py).
        map.on("zoomend", function () { report(config, "loaded"); });
        layer.on("add remove", function () { setTimeout(function () { report(config, "loaded"); }, 0); });
      }
      layers[config.id] = layer;
      if (config.visible) { layer.addTo(map); }
    });
    root.querySelectorAll("[data-layer-toggle]").forEach(function (box) {
      var layer = layers[box.dataset.layerToggle];
      if (!layer) { box.disabled = true; return; }
      box.checked = map.hasLayer(layer);
      box.addEventListener("change", function () {
        if (box.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
      });
    });
  }

  document.querySelectorAll("[data-layer-map]").forEach(setUp);
})();
