"""Comments on a statute: on a paragraph, a place or a plan object, only in a participation period;
in a public display a formal statement with a reference number and a receipt by e-mail."""
from __future__ import annotations

from datetime import timedelta

import lxml.html
import pytest
from shapely.geometry import box
from sqlalchemy import func, select

from participation.comments.models import Comment
from participation.extensions import db
from participation.layers.models import Layer, LayerFeature, LayerVersion
from participation.maps.models import MapLayer
from participation.statutes.models import PeriodKind, Statute, StatutePeriod
from tests.conftest import INSIDE, OUTSIDE, csrf_token, town_today
from tests.test_write_limits import limited, log_in  # noqa: F401 - the fixture

TEXT = [("§ 1", "Art der baulichen Nutzung", [("(1)", "Das Gebiet WA 1 ist ein Allgemeines Wohngebiet.", ["gml_WA1"]),
                                              ("(2)", "Ausnahmen sind nicht zulässig.", [])])]


def page_url(statute) -> str:
    return f"/{statute.municipality.slug}/satzungen/{statute.id}"


def add_period(app, statute, kind=PeriodKind.DISPLAY, start: int = -3, end: int = 40) -> None:
    """A period from `start` to `end` days from today."""
    with app.app_context():
        db.session.add(StatutePeriod(statute_id=statute.id, kind=kind, starts_on=town_today() + timedelta(days=start),
                                     ends_on=town_today() + timedelta(days=end)))
        db.session.commit()


def add_plan_layer(app, statute, gml_id: str = "gml_WA1") -> int:
    """A plan layer with one zoning area (its gml:id in the properties, as the XPlanGML import stores it)
    on the statute's map; its layer id."""
    with app.app_context():
        layer = Layer(municipality_id=statute.municipality_id, name="BP – Baugebietsteilflächen")
        db.session.add(layer)
        db.session.flush()
        version = LayerVersion(layer_id=layer.id, number=1, original_filename="plan.gml")
        db.session.add(version)
        db.session.flush()
        area = box(INSIDE.x - 0.001, INSIDE.y - 0.001, INSIDE.x + 0.001, INSIDE.y + 0.001)
        feature = LayerFeature(version_id=version.id, geometry=area, properties={
            "gml_id": gml_id, "xplan_class": "BP_BaugebietsTeilFlaeche", "besondereArtDerBaulNutzung": "1200",
            "GRZ": 0.4, "Z": 2})
        feature._set_bbox(area)
        db.session.add(feature)
        layer.current_version_id = version.id
        db.session.add(MapLayer(map_id=db.session.get(Statute, statute.id).map_id, layer_id=layer.id))
        db.session.commit()
        return layer.id


@pytest.fixture
def displayed(app, create_statute):
    """A published statute with a text, in its public display."""
    statute = create_statute(number="12", sections=TEXT)
    add_period(app, statute)
    return statute


def log_out(client, statute) -> None:
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, page_url(statute))})


def post(client, statute, **data):
    return client.post(f"{page_url(statute)}/kommentare",
                       data={"csrf_token": csrf_token(client, page_url(statute)), **data})


def only_comment(app) -> Comment:
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        db.session.expunge(comment)
        return comment


def test_a_statement_on_a_paragraph_gets_a_reference_number_and_a_receipt(
        app, client, displayed, create_user, login, mailbox):
    resident = create_user()
    login(resident)
    anchor = displayed.sections[0].paragraphs[0].anchor
    response = post(client, displayed, text="Bitte weniger Versiegelung.", paragraph=anchor)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(page_url(displayed))
    comment = only_comment(app)
    assert (comment.statute_id, comment.project_id) == (displayed.id, None)
    assert comment.paragraph_anchor == anchor
    assert comment.reference and comment.reference.endswith("-0001")
    [mail] = [m for m in mailbox() if m["To"] == resident.email]
    body = mail.get_body().get_content()
    assert comment.reference in mail["Subject"] and "Bitte weniger Versiegelung." in body
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert comment.reference in page  # said at the comment, where the person lands
    assert "Bitte weniger Versiegelung." in page


def test_a_second_statement_gets_the_next_number(app, client, displayed, create_user, login):
    login(create_user())
    assert post(client, displayed, text="Stellungnahme 0").status_code == 302
    log_out(client, displayed)
    login(create_user())
    assert post(client, displayed, text="Stellungnahme 1").status_code == 302
    with app.app_context():
        references = sorted(db.session.scalars(select(Comment.reference)))
    assert [r[-4:] for r in references] == ["0001", "0002"]


def test_a_comment_in_the_early_participation_is_informal(app, client, create_statute, create_user, login, mailbox):
    statute = create_statute()
    add_period(app, statute, kind=PeriodKind.EARLY)
    resident = create_user()
    login(resident)
    assert post(client, statute, text="Eine Idee").status_code == 302
    assert only_comment(app).reference is None
    assert not [m for m in mailbox() if m["To"] == resident.email]


@pytest.mark.parametrize("start, end", [(3, 40), (-40, -1)])
def test_outside_the_period_the_server_refuses_and_says_when_it_runs(app, client, create_statute, create_user, login,
                                                                    start, end):
    statute = create_statute()
    add_period(app, statute, start=start, end=end)
    login(create_user())
    token = csrf_token(client, page_url(statute))
    response = client.post(f"{page_url(statute)}/kommentare", data={"csrf_token": token, "text": "Zu spät"})
    assert response.status_code == 403
    day = (town_today() + timedelta(days=end)).strftime("%d.%m.%Y")
    assert day in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_without_a_period_the_page_says_so_instead_of_the_form(client, create_statute):
    html = client.get(page_url(create_statute())).get_data(as_text=True)
    assert "derzeit keine Beteiligung" in html
    assert "data-comment-form" not in html


def test_a_pin_outside_the_area_comes_back_with_the_words_and_the_reason(app, client, displayed, create_user, login):
    login(create_user())
    response = post(client, displayed, text="Hier draußen", lon=OUTSIDE.x, lat=OUTSIDE.y)
    assert response.status_code == 400
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert doc.xpath("//textarea[@name='text']")[0].text_content().strip() == "Hier draußen"
    assert "außerhalb des Geltungsbereichs" in doc.xpath("string(//*[@id='comment-form'])")
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_a_comment_on_a_plan_object_keeps_its_layer_and_gml_id(app, client, displayed, create_user, login):
    layer_id = add_plan_layer(app, displayed)
    login(create_user())
    response = post(client, displayed, text="Zu dicht", lon=INSIDE.x, lat=INSIDE.y, plan_object=f"{layer_id}:gml_WA1")
    assert response.status_code == 302
    comment = only_comment(app)
    assert (comment.plan_object_layer_id, comment.plan_object_id) == (layer_id, "gml_WA1")
    assert comment.location.equals(INSIDE)


@pytest.mark.parametrize("value", ["{layer}:gml_NOPE", "999999:gml_WA1", "x:y", "{layer}:"])
def test_an_unknown_plan_object_is_refused(app, client, displayed, create_user, login, value):
    layer_id = add_plan_layer(app, displayed)
    login(create_user())
    response = post(client, displayed, text="Zu dicht", plan_object=value.format(layer=layer_id))
    assert response.status_code == 400
    assert "nicht (mehr) auf der Karte" in response.get_data(as_text=True)


def test_a_paragraph_of_another_statute_is_refused(app, client, displayed, create_statute, create_user, login):
    other = create_statute(town=displayed.municipality, sections=TEXT)
    login(create_user())
    response = post(client, displayed, text="Falscher Absatz", paragraph=other.sections[0].paragraphs[0].anchor)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_a_project_comment_cannot_name_a_paragraph(app, client, create_project, displayed, create_user, login):
    project = create_project(town=displayed.municipality)
    login(create_user())
    url = f"/{project.municipality.slug}/projekte/{project.id}"
    response = client.post(f"{url}/kommentare", data={
        "csrf_token": csrf_token(client, url), "text": "x", "category": project.categories[0].id,
        "paragraph": displayed.sections[0].paragraphs[0].anchor})
    assert response.status_code == 400


def test_the_form_offers_the_paragraphs_and_a_paragraph_link_preselects_one(client, displayed, create_user, login):
    login(create_user())
    anchor = displayed.sections[0].paragraphs[1].anchor
    doc = lxml.html.fromstring(client.get(f"{page_url(displayed)}?absatz={anchor}").get_data(as_text=True))
    options = doc.xpath("//select[@name='paragraph']/option")
    assert [o.get("value") for o in options] == [""] + [p.anchor for p in displayed.sections[0].paragraphs]
    assert doc.xpath("//select[@name='paragraph']/option[@selected]/@value") == [anchor]
    assert doc.xpath("//form[@data-comment-form]/@action") == [f"{page_url(displayed)}/kommentare"]


def test_replies_supports_and_moderation_work_on_statute_comments(app, client, displayed, create_user, login,
                                                                   create_town):
    login(create_user())
    post(client, displayed, text="Erster")
    comment = only_comment(app)
    log_out(client, displayed)
    login(create_user())
    base = f"/{displayed.municipality.slug}/kommentare/{comment.id}"
    token = csrf_token(client, page_url(displayed))
    response = client.post(f"{base}/antworten", data={"csrf_token": token, "text": "Antwort"})
    assert response.status_code == 302 and response.headers["Location"].startswith(page_url(displayed))
    assert client.post(f"{base}/unterstuetzen", data={"csrf_token": token}).status_code == 302
    assert client.post(f"{base}/melden", data={"csrf_token": token, "reason": "Spam"}).status_code == 302
    planner = create_user(role="planner", towns=[displayed.municipality])
    log_out(client, displayed)
    login(planner)
    queue = client.get(f"/{displayed.municipality.slug}/moderation").get_data(as_text=True)
    assert "Erster" in queue and displayed.title in queue
    # A comment of this town cannot be moderated through another town's address.
    other = create_town()
    assert client.post(f"/{other.slug}/moderation/kommentare/{comment.id}/verbergen",
                       data={"csrf_token": csrf_token(client, page_url(displayed)), "reason": "x"}).status_code == 403


def test_a_draft_statute_takes_no_comments_and_hides_them(app, client, displayed, create_statute, create_user, login):
    draft = create_statute(town=displayed.municipality, published=False)
    add_period(app, draft)
    login(create_user())
    response = client.post(f"{page_url(draft)}/kommentare",
                           data={"csrf_token": csrf_token(client, page_url(displayed)), "text": "Heimlich"})
    assert response.status_code == 404
    assert client.get(page_url(draft)).status_code == 404


def test_the_map_pins_and_the_plan_objects_at_a_point(app, client, displayed, create_user, login):
    layer_id = add_plan_layer(app, displayed)
    login(create_user())
    post(client, displayed, text="Mit Pin", lon=INSIDE.x, lat=INSIDE.y, plan_object=f"{layer_id}:gml_WA1")
    pins = client.get(f"/api/v1/statutes/{displayed.id}/comments?bbox=-180,-90,180,90").get_json()
    [pin] = pins["features"]
    assert pin["properties"]["plan_object"] == {"layer_id": layer_id, "id": "gml_WA1"}
    assert pin["properties"]["url"].startswith(page_url(displayed))
    found = client.get(f"/api/v1/statutes/{displayed.id}/plan-objects?lon={INSIDE.x}&lat={INSIDE.y}").get_json()
    [item] = found["objects"]
    assert item["value"] == f"{layer_id}:gml_WA1"
    assert "Allgemeines Wohngebiet" in item["label"] and "GRZ 0,4" in item["label"]
    nothing = client.get(f"/api/v1/statutes/{displayed.id}/plan-objects?lon={OUTSIDE.x}&lat={OUTSIDE.y}").get_json()
    assert nothing["objects"] == []


def test_a_formal_statement_can_be_neither_changed_nor_deleted(app, client, displayed, create_user, login):
    login(create_user())
    post(client, displayed, text="Förmlich")
    comment = only_comment(app)
    assert comment.reference
    page = client.get(page_url(displayed)).get_data(as_text=True)
    base = f"/{displayed.municipality.slug}/kommentare/{comment.id}"
    assert f"{base}/bearbeiten" not in page and f"{base}/loeschen" not in page
    token = csrf_token(client, page_url(displayed))
    assert client.post(f"{base}/loeschen", data={"csrf_token": token}).status_code == 403
    assert client.post(f"{base}/bearbeiten", data={"csrf_token": token, "text": "Anders"}).status_code == 403
    assert only_comment(app).text == "Förmlich"


def test_the_write_limit_answer_does_not_show_a_draft(limited, displayed, create_statute, create_user):
    """With the write limit spent, a post to a draft's address answers 404 like any other, not the draft's page."""
    draft = create_statute(town=displayed.municipality, title="Geheimer Entwurf", published=False)
    add_period(limited, draft)
    client = log_in(limited, create_user())
    token = csrf_token(client, page_url(displayed))
    for n in range(3):
        assert client.post(f"{page_url(displayed)}/kommentare", data={"csrf_token": token, "text": f"{n}"}).status_code == 302
    response = client.post(f"{page_url(draft)}/kommentare", data={"csrf_token": token, "text": "x"})
    assert response.status_code == 404
    assert "Geheimer Entwurf" not in response.get_data(as_text=True)


def test_a_plan_object_id_beyond_the_id_range_is_refused_not_an_error(app, client, displayed, create_user, login):
    login(create_user())
    for value in ("99999999999:gml_WA1", "1:99999999999", f"{2**31}:x"):
        assert post(client, displayed, text="x", plan_object=value).status_code == 400


def test_a_statute_with_statements_on_record_cannot_be_deleted(app, client, displayed, create_user, login):
    login(create_user())
    post(client, displayed, text="Förmlich")
    with app.app_context():
        db.session.get(Statute, displayed.id).published_at = None
        db.session.commit()
    planner = create_user(role="planner", towns=[displayed.municipality])
    log_out(client, displayed)
    login(planner)
    response = client.post(f"{page_url(displayed)}/loeschen", data={"csrf_token": csrf_token(client, page_url(displayed))},
                           follow_redirects=True)
    assert "Akten des Verfahrens" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Statute, displayed.id) is not None
