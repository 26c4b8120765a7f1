"""The PDF weighing table and participation report: what they say, tagged for screen readers, laid out in
parts when long, adjustable by a town, fetching nothing from outside, made by the export job."""
from __future__ import annotations

import http.server
import io
import re
import threading

import pytest
from pypdf import PdfReader
from shapely.geometry import Point, Polygon

from participation.comments.models import Channel
from participation.exports import pdf, services
from participation.exports.models import ExportFormat
from participation.extensions import db
from participation.jobs.registry import JobFailed
from participation.projects.models import Project
from tests.conftest import add_vector_layer, town_today, wait_for_jobs
from tests.exports.conftest import RESIDENT_EMAIL, SENDER_EMAIL, SENDER_NAME
from tests.exports.test_exports import _ask, _download, _last_export

#: A tiny PNG (1 × 1 px) a town puts beside its template as its coat of arms.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082")


def text_of(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_weighing_table_pdf_follows_the_paragraphs_and_is_tagged(app, town, weighed_statute, write):
    statute, made = weighed_statute
    late, early, loose, middle = (made[name] for name in ("late", "early", "loose", "middle"))
    path = write(town, ExportFormat.WEIGHING_PDF, statute)
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged: PDF/UA-1
    assert root["/Lang"] == "de" and reader.metadata.title.startswith("Abwägungstabelle – ")
    text = text_of(path)
    assert "Abwägungstabelle" in text and "Stellungnahmen 4" in text
    order = [text.index(word) for word in (early.reference, "Die Traufhöhe sinkt.", f"K-{middle.id}",
                                           late.reference, "Ohne Bezug auf einen Absatz", loose.reference)]
    assert order == sorted(order)
    assert "Teilweise berücksichtigt" in text and "On § 1 (1)" in text
    assert re.search(r"Seite 1\b", text) and re.search(r"Beschlussvorschlag und\s+Begründung", text)


def test_no_pdf_holds_an_email_address_or_a_senders_name(app, town, filled_project, write):
    project, ids = filled_project
    for fmt in (ExportFormat.WEIGHING_PDF, ExportFormat.REPORT_PDF):
        text = text_of(write(town, fmt, project))
        assert f"K-{ids['letter']}" in text and "Per Brief: die Ampel ist zu kurz grün." in text
        assert RESIDENT_EMAIL not in text and SENDER_EMAIL not in text and SENDER_NAME not in text
        assert "Ausgeblendet: Beleidigung" in text  # a hidden statement is weighed too, marked as hidden


@pytest.fixture
def mapped_project(app, town, create_project, create_user, create_comment):
    """A project with a coloured layer on its map and seven comments, six of them within a few metres."""
    project = create_project(town=town)
    block = Polygon([(13.251, 53.551), (13.258, 53.551), (13.258, 53.553), (13.251, 53.553)])
    with app.app_context():
        add_vector_layer(town.id, "Baugebiete", [(block, {"art": "WA"})],
                         map_id=db.session.get(Project, project.id).map_id, attribution="© Zweckverband Musterland",
                         style={"categorise_by": "art", "categories": [
                             {"value": "WA", "colour": "#e8a0a0", "label": "Wohngebiet"}]})
        db.session.commit()
    people = [create_user() for _ in range(7)]
    for n, person in enumerate(people[:6]):
        create_comment(project, person, text=f"Zu laut an der Ecke {n}", location=Point(13.255 + n * 0.00005, 53.552))
    create_comment(project, people[6], text="Weit weg", location=Point(13.2502, 53.5538))
    return project


def test_the_report_has_figures_a_timeline_a_map_with_layers_hot_spots_and_the_table(app, town, mapped_project,
                                                                                        write):
    path = write(town, ExportFormat.REPORT_PDF, mapped_project)
    text = text_of(path)
    for heading in ("Beteiligungsbericht", "Kennzahlen", "Themen und Zeitverlauf", "Karte", "Brennpunkte",
                    "Abwägungstabelle"):
        assert heading in text, heading
    assert re.search(r"Beiträge mit Ort\s*7", text) and re.search(r"Online-Beteiligte\s*7", text)
    assert "Alle Beiträge gingen am" in text  # all on one day: said in words, no chart of one column
    assert "7 Beiträge mit Ort" in text and "Maßstab etwa 1 :" in text
    assert "Baugebiete: Wohngebiet" in text and "© Zweckverband Musterland" in text  # legend and attribution
    assert re.search(r"\n1\s*6\s*\d+ m\s*Traffic \(6\)", text)  # one hot spot of six comments
    assert text.index("Brennpunkte") < text.index("Zu laut an der Ecke 0") < text.index("Weit weg")


def test_the_report_draws_its_map_on_the_server(app, town, mapped_project):
    with app.app_context():
        from participation.exports import reportmap  # noqa: PLC0415 - what the template gets
        project = db.session.get(Project, mapped_project.id)
        drawn = reportmap.report_map(project, [(13.255, 53.552)], [{"longitude": 13.255, "latitude": 53.552,
                                                                   "radius": 20.0}])
    svg = drawn.image.svg
    assert svg.count('fill="#e8a0a0"') == 1  # the layer's feature in its category's colour
    assert 'stroke-dasharray="8 5"' in svg and svg.count("<circle") >= 2  # area outline, dot and ring
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert drawn.layers[0]["drawn"] == drawn.layers[0]["total"] == 1


def test_a_long_document_is_laid_out_in_parts_with_its_pages_numbered_on(app, town, filled_project, create_user,
                                                                         create_comment, write, monkeypatch):
    project, ids = filled_project
    more = [create_comment(project, create_user(), text=f"Noch ein Hinweis {n}").id for n in range(4)]
    monkeypatch.setattr(pdf, "PART_ROWS", 2)
    path = write(town, ExportFormat.WEIGHING_PDF, project)
    reader = PdfReader(path)
    footers = [int(re.findall(r"Seite (\d+)", page.extract_text())[-1]) for page in reader.pages]
    assert footers == list(range(1, len(reader.pages) + 1))
    text = text_of(path)
    for number in [f"K-{ids['first']}", f"K-{ids['letter']}", *(f"K-{n}" for n in more)]:
        assert len(re.findall(rf"{number}\b", text)) == 1, number
    assert "(Fortsetzung)" in text  # a topic that goes on in the next part says so
    assert reader.trailer["/Root"]["/Lang"] == "de" and reader.metadata.title == "Abwägungstabelle – Market square"
    table_pages = 0
    for page in reader.pages:  # no row is cut: after the table's head, every page goes on with a number
        text = page.extract_text()
        head = re.search(r"Beschlussvorschlag und\s+Begründung\n", text)
        if head:
            table_pages += 1
            assert re.match(r"K-\d+ ", text[head.end():]), text[head.end():head.end() + 80]
    assert table_pages == len(reader.pages) > 2  # the cover stands above the table on its first page
    topics = [item.title for item in reader.outline if not isinstance(item, list)]
    assert topics == ["Abwägungstabelle"]  # every topic, from every part, is a bookmark under the table
    nested = reader.outline[1][1]
    assert [item.title for item in nested if not isinstance(item, list)] == ["Traffic", "Green"]
    assert not [p for p in path.parent.rglob("*") if p.suffix != ".pdf" and p != path]  # the parts are gone


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the handler's name
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args):
        pass


def test_a_town_adjusts_the_report_and_its_template_cannot_fetch_anything(app, town, filled_project, write,
                                                                           tmp_path, monkeypatch):
    project, _ids = filled_project
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    folder = tmp_path / "report-templates" / town.slug
    folder.mkdir(parents=True)
    (folder / "wappen.png").write_bytes(PNG)
    (folder / "report.html").write_text(
        '{% extends "exports/pdf/report.html" %}'
        '{% block introduction %}<img src="wappen.png" alt="Wappen">'
        f'<img src="http://127.0.0.1:{server.server_port}/spy.png" alt="">'
        f'<img src="{secret.as_uri()}" alt="">'
        '<p>Vorwort der Bürgermeisterin.</p>{% endblock %}', encoding="utf-8")
    monkeypatch.setitem(app.config, "REPORT_TEMPLATES", str(tmp_path / "report-templates"))
    try:
        path = write(town, ExportFormat.REPORT_PDF, project)
    finally:
        server.shutdown()
        server.server_close()
    text = text_of(path)
    assert "Vorwort der Bürgermeisterin." in text and "Kennzahlen" in text
    assert _Counting.hits == []
    assert _images(path) == 1  # the coat of arms beside the template, not the file outside its folder


def test_a_planner_asks_for_the_report_and_downloads_the_pdf(app, client, town, planner, filled_project):
    project, ids = filled_project
    _ask(client, town, subject=f"project:{project.id}", format="report-pdf")
    export = _last_export(app)
    wait_for_jobs(app)
    page = client.get(f"/{town.slug}/exporte/{export.id}").get_data(as_text=True)
    assert "Beteiligungsbericht (PDF)" in page and "3 Beiträge geschrieben." in page
    download = _download(client, f"/{town.slug}/exporte/{export.id}/datei")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert re.fullmatch(r"attachment; filename=beteiligungsbericht-market-square-\d{4}-\d\d-\d\d\.pdf",
                        download.headers["Content-Disposition"])
    assert f"K-{ids['first']}" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(download.data)).pages)


def test_a_report_is_made_for_one_project_or_statute(app, client, town, planner):
    page = _ask(client, town, format="report-pdf")
    assert page.status_code == 400
    assert "Eine Abwägungstabelle oder ein Bericht wird für ein Vorhaben" in page.get_data(as_text=True)


def test_a_renderer_that_fails_ends_the_job_with_a_message_and_leaves_no_file(app, town, filled_project,
                                                                               monkeypatch, tmp_path):
    project, _ids = filled_project
    monkeypatch.setattr(pdf, "PYTHON", "/bin/false")  # a renderer that ends with an error at once
    with app.app_context():
        from participation.exports.models import Export  # noqa: PLC0415
        export = Export(municipality=db.session.merge(town), project=db.session.merge(project),
                        format=ExportFormat.WEIGHING_PDF, crs=4326, grouping="thema")
        out = tmp_path / "out.pdf"
        with pytest.raises(JobFailed, match="could not be made"):
            services.write_file(export, out)
        db.session.rollback()
    assert not out.exists()


def test_the_period_and_the_order_by_date_follow_the_day_a_statement_arrived(app, town, statute_with_text,
                                                                              statute_comment, create_user, write):
    from datetime import timedelta  # noqa: PLC0415
    from participation.comments.models import Comment  # noqa: PLC0415
    today = town_today()
    statute = statute_with_text
    online = statute_comment(statute, create_user(), text="Online vor drei Tagen", days_ago=3)
    letter = statute_comment(statute, None, text="Brief, vor zehn Tagen eingegangen", channel=Channel.LETTER)
    with app.app_context():  # entered today, received ten days ago
        db.session.get(Comment, letter.id).received_on = today - timedelta(days=10)
        db.session.commit()
    by_date = text_of(write(town, ExportFormat.WEIGHING_PDF, statute, grouping="datum"))
    assert by_date.index(letter.reference) < by_date.index(online.reference)
    recent = text_of(write(town, ExportFormat.WEIGHING_PDF, statute, since=today - timedelta(days=5)))
    assert online.reference in recent and letter.reference not in recent
    early = text_of(write(town, ExportFormat.WEIGHING_PDF, statute, until=today - timedelta(days=7)))
    assert letter.reference in early and online.reference not in early


def test_a_towns_template_runs_in_a_sandbox(app, town, filled_project, write, tmp_path, monkeypatch):
    project, _ids = filled_project
    folder = tmp_path / "templates" / town.slug
    folder.mkdir(parents=True)
    (folder / "weighing.html").write_text(
        '{% extends "exports/pdf/weighing.html" %}{% block introduction %}'
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}{% endblock %}", encoding="utf-8")
    monkeypatch.setitem(app.config, "REPORT_TEMPLATES", str(tmp_path / "templates"))
    with pytest.raises(JobFailed, match="the town's template has an error"):
        write(town, ExportFormat.WEIGHING_PDF, project)
    (folder / "weighing.html").write_text(
        '{% extends "exports/pdf/weighing.html" %}{% block introduction %}'
        "<p>[{{ config }}|{{ request }}|{{ config_value }}|{{ town.id }}]</p>{% endblock %}", encoding="utf-8")
    text = text_of(write(town, ExportFormat.WEIGHING_PDF, project))
    assert "[|||]" in text and "test-secret" not in text  # nothing of the app but the data it is given


def test_a_town_reads_its_own_and_shared_files_but_not_another_towns(app, town, filled_project, write, tmp_path,
                                                                     monkeypatch):
    project, _ids = filled_project
    base = tmp_path / "templates"
    for folder in (base / town.slug, base / "nachbarstadt"):
        folder.mkdir(parents=True)
    (base / "nachbarstadt" / "fremd.png").write_bytes(PNG)
    (base / "gemeinsam.png").write_bytes(PNG)
    (base / town.slug / "report.html").write_text(
        '{% extends "exports/pdf/report.html" %}{% block introduction %}'
        '<img src="../nachbarstadt/fremd.png" alt="fremd">{% endblock %}', encoding="utf-8")
    monkeypatch.setitem(app.config, "REPORT_TEMPLATES", str(base))
    assert _images(write(town, ExportFormat.REPORT_PDF, project)) == 0
    (base / town.slug / "report.html").write_text(
        '{% extends "exports/pdf/report.html" %}{% block introduction %}'
        '<img src="../gemeinsam.png" alt="Logo des Verbands">{% endblock %}', encoding="utf-8")
    assert _images(write(town, ExportFormat.REPORT_PDF, project)) == 1


def _images(path) -> int:
    return len({ref.idnum for page in PdfReader(path).pages
                for ref in page["/Resources"].get("/XObject", {}).values()
                if ref.get_object()["/Subtype"] == "/Image"})


def test_a_comments_markup_is_printed_as_text(app, town, create_project, create_user, create_comment, write):
    project = create_project(town=town)
    create_comment(project, create_user(), text='<img src="file:///etc/passwd"><b>fett</b> & </style>')
    text = text_of(write(town, ExportFormat.WEIGHING_PDF, project))
    assert '<img src="file:///etc/passwd"><b>fett</b> & </style>' in text.replace("\n", "")
