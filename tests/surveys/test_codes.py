"""One-time access codes for letters: making a series, its CSV list and its PDF sheet of slips (made by a
background job, fetched only by the planner who asked, expiring), and who may."""
from __future__ import annotations

import io
import os
import re
import shutil
import threading
import time
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from participation.accounts.models import Role
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.jobs.models import Job, JobStatus
from participation.surveys import code_sheets, codes
from participation.surveys.models import Access, AccessCode, Survey
from participation.surveys.responding import CODE_ALPHABET, make_codes, show_code
from tests.conftest import PASSWORD, csrf_token, wait_for_jobs
from tests.test_i18n import german

SHEET_FAILED = "The sheet could not be made. Please try again later, or use the CSV list."


def client_of(app, user=None):
    """A client of its own, in German, logged in as `user` if given."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    if user is not None:
        response = client.post("/konto/anmelden", data={"email": user.email, "password": PASSWORD,
                                                         "csrf_token": csrf_token(client)})
        assert response.status_code == 302
    return client


def page_url(town, survey_id: int) -> str:
    return f"/{town.slug}/umfragen/{survey_id}/zugangscodes"


def make(client, town, survey_id: int, count) -> object:
    url = page_url(town, survey_id)
    return client.post(url, data={"count": count, "csrf_token": csrf_token(client, url)})


def stored_codes(app, survey_id: int) -> list[AccessCode]:
    with app.app_context():
        found = list(db.session.scalars(select(AccessCode).where(AccessCode.survey_id == survey_id)
                                        .order_by(AccessCode.id)))
        db.session.expunge_all()
        return found


def add_series(app, survey_id: int, count: int, used: int = 0) -> list[str]:
    """A series of `count` codes made directly, the first `used` of them used; returns them as printed."""
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        batch = make_codes(survey, count)
        made = list(db.session.scalars(select(AccessCode).where(
            AccessCode.survey_id == survey_id, AccessCode.batch == batch).order_by(AccessCode.id)))
        for code in made[:used]:
            code.used = True
        db.session.commit()
        return [show_code(code.code) for code in made]


@pytest.fixture
def code_survey(town, create_project, create_survey):
    """A survey answered with access codes, on a project of `town`."""
    return create_survey(project=create_project(town=town), access=Access.CODE, kinds=("yesno",))


@pytest.fixture
def planning(app, town, create_user):
    return client_of(app, create_user(Role.PLANNER, towns=[town]))


def test_a_planner_makes_series_of_unique_codes_from_the_alphabet(app, town, code_survey, planning):
    response = make(planning, town, code_survey, 25)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(page_url(town, code_survey) + "#code-series")
    assert make(planning, town, code_survey, "3").status_code == 302

    stored = stored_codes(app, code_survey)
    assert [sum(c.batch == n for c in stored) for n in (1, 2)] == [25, 3]
    assert len({c.code for c in stored}) == 28
    assert all(len(c.code) == 10 and set(c.code) <= set(CODE_ALPHABET) and not c.used for c in stored)

    page = planning.get(page_url(town, code_survey))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="code-series-feedback"' in html  # "Series 2 with 3 codes made." where it happened
    assert "Serie 1" in html and "Serie 2" in html
    assert 'action="/{0}/umfragen/{1}/zugangscodes/2/bogen"'.format(town.slug, code_survey) in html
    assert '/zugangscodes/1.csv"' in html
    # The address for the letter, absolute, from BASE_URL (not the request's host).
    assert f"http://localhost/{town.slug}/umfragen/{code_survey}" in html
    assert german("This survey is not answered with access codes") not in html


def test_the_page_counts_used_and_unused_codes(app, town, code_survey, planning):
    add_series(app, code_survey, 12, used=5)
    html = planning.get(page_url(town, code_survey)).get_data(as_text=True)
    row = re.search(r'<tr class="kern-table__row">\s*<th[^>]*>Serie 1</th>(.*?)</tr>', html, re.S)
    assert row, html
    assert re.findall(r'kern-table__cell--numeric"[^>]*>(\d+)<', row.group(1)) == ["12", "5", "7"]


@pytest.mark.parametrize(("count", "msgid"), [
    ("0", "A series has from %(low)s to %(high)s codes."),
    ("2001", "A series has from %(low)s to %(high)s codes."),
    ("-4", "A series has from %(low)s to %(high)s codes."),
    ("abc", "Enter a whole number, such as 500."),
    ("2.5", "Enter a whole number, such as 500."),
    ("", "Enter how many codes to make."),
])
def test_a_bad_number_of_codes_is_refused_in_german_and_makes_none(app, town, code_survey, planning, count, msgid):
    response = make(planning, town, code_survey, count)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    expected = german(msgid) % {"low": "1", "high": "2.000"} if "%(" in msgid else german(msgid)
    assert expected in html
    assert 'id="count-error"' in html and 'href="#count"' in html and 'aria-invalid="true"' in html
    # One message for one mistake: not also the range for text that is no number.
    assert html.count('class="kern-error"') == 1
    assert stored_codes(app, code_survey) == []


def test_the_largest_series_is_taken(app, town, code_survey, planning):
    assert make(planning, town, code_survey, "2000").status_code == 302
    codes_made = stored_codes(app, code_survey)
    assert len(codes_made) == 2000 and len({c.code for c in codes_made}) == 2000


def test_the_page_warns_when_codes_open_nothing(app, town, create_project, create_survey, planning):
    survey_id = create_survey(project=create_project(town=town), access=Access.ACCOUNT, kinds=("yesno",))
    html = planning.get(page_url(town, survey_id)).get_data(as_text=True)
    assert german("This survey is not answered with access codes") in html


def test_the_csv_lists_a_series_as_printed_with_bom(app, town, code_survey, planning):
    add_series(app, code_survey, 2)
    printed = add_series(app, code_survey, 4, used=1)
    response = planning.get(page_url(town, code_survey) + "/2.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    name = german("access-codes-survey-{survey}-series-{batch}").format(survey=code_survey, batch=2)
    assert response.headers["Content-Disposition"] == f"attachment; filename={name}.csv"
    assert "no-store" in response.headers["Cache-Control"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ",".join(german(word) for word in ("Access code", "Used", "Series"))
    yes, no = german("yes"), german("no")
    assert lines[1:] == [f"{printed[0]},{yes},2"] + [f"{code},{no},2" for code in printed[1:]] + [""]
    assert all(re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", code) for code in printed)


def ask_for_sheet(client, town, survey_id: int, batch: int):
    url = page_url(town, survey_id)
    return client.post(f"{url}/{batch}/bogen", data={"csrf_token": csrf_token(client, url)})


def sheet_jobs(app) -> list[Job]:
    with app.app_context():
        found = list(db.session.scalars(select(Job).where(Job.kind == code_sheets.JOB).order_by(Job.id)))
        db.session.expunge_all()
        return found


def sheet_folder(app):
    with app.app_context():
        return code_sheets.folder()


def files_in(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def no_sheets(app):
    """An empty folder of sheets before and after the test (the app and its upload folder live all session)."""
    shutil.rmtree(sheet_folder(app), ignore_errors=True)
    yield sheet_folder(app)
    shutil.rmtree(sheet_folder(app), ignore_errors=True)


def download(client, url: str):
    """GET a file; the response is closed at once (it holds the file open), its bytes kept."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def test_the_sheet_is_made_by_a_job_and_has_eight_slips_a_page_with_every_code(app, town, code_survey, planning,
                                                                                no_sheets):
    printed = add_series(app, code_survey, 10)
    page = planning.get(page_url(town, code_survey)).get_data(as_text=True)
    assert f'action="{page_url(town, code_survey)}/1/bogen"' in page  # the button that starts the job

    response = ask_for_sheet(planning, town, code_survey, 1)
    assert response.status_code == 302
    [job] = sheet_jobs(app)
    assert job.payload == {"survey_id": code_survey, "batch": 1, "locale": "de"}
    sheet_page = f"{page_url(town, code_survey)}/1/bogen/{job.id}"
    assert response.headers["Location"].endswith(sheet_page)
    wait_for_jobs(app)
    [job] = sheet_jobs(app)
    assert job.status is JobStatus.FINISHED, (job.message, job.error)
    assert job.result["pages"] == 2 and job.result["slips"] == 10

    # The sheet's page and the codes page link the file; nothing is left but the file itself.
    url = f"{sheet_page}.pdf"
    assert f'href="{url}"' in planning.get(sheet_page).get_data(as_text=True)
    assert f'href="{url}"' in planning.get(page_url(town, code_survey)).get_data(as_text=True)
    assert files_in(no_sheets) == [job.result["stored_name"]]

    response = download(planning, url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    name = german("access-codes-survey-{survey}-series-{batch}").format(survey=code_survey, batch=1)
    assert response.headers["Content-Disposition"] == f"attachment; filename={name}.pdf"
    assert "no-store" in response.headers["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.get_data()))
    assert len(reader.pages) == 2
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "de"  # tagged (PDF/UA-1), in German
    first, second = (page.extract_text() for page in reader.pages)
    assert [code in first for code in printed] == [True] * 8 + [False] * 2
    assert all(code in second for code in printed[8:])
    assert first.count("Market square survey") >= 8 and town.name in first
    assert f"http://localhost/{town.slug}/umfragen/{code_survey}" in first
    assert german("The code works once.") in first and "Seite 1 von 2" in first


def test_no_request_lays_a_sheet_out(app, town, code_survey, planning, monkeypatch, no_sheets):
    """The synchronous PDF is gone, and asking for a sheet only queues a job: the layout runs in the job's
    thread (without Redis, the app's own pool of job threads), never in the request's."""
    add_series(app, code_survey, 2)
    assert planning.get(page_url(town, code_survey) + "/1.pdf").status_code == 404
    threads, lay_out = [], codes.write_code_sheet

    def recording(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return lay_out(*args, **kwargs)
    monkeypatch.setattr(codes, "write_code_sheet", recording)
    ask_for_sheet(planning, town, code_survey, 1)
    wait_for_jobs(app)
    assert len(threads) == 1 and threads[0].startswith("job") and threads[0] != threading.current_thread().name


def test_asking_again_while_the_sheet_is_made_follows_the_same_job(app, town, code_survey, create_user):
    add_series(app, code_survey, 3)
    planner = create_user(Role.PLANNER, towns=[town])
    planning = client_of(app, planner)
    with app.app_context():  # a job no worker has finished yet (none is dispatched for it)
        running = Job(kind=code_sheets.JOB, payload={"survey_id": code_survey, "batch": 1, "locale": "de"},
                      user_id=planner.id, status=JobStatus.RUNNING, progress=0.05,
                      message="Laying out the slips …")
        db.session.add(running)
        db.session.commit()
        running_id = running.id
    response = ask_for_sheet(planning, town, code_survey, 1)
    assert response.headers["Location"].endswith(f"/zugangscodes/1/bogen/{running_id}")
    assert [job.id for job in sheet_jobs(app)] == [running_id]
    page = planning.get(page_url(town, code_survey)).get_data(as_text=True)
    assert f'href="{page_url(town, code_survey)}/1/bogen/{running_id}"' in page  # "Show progress"
    assert 'data-sheet="waiting"' in page
    follow = planning.get(f"{page_url(town, code_survey)}/1/bogen/{running_id}").get_data(as_text=True)
    assert f'data-status-url="/auftraege/{running_id}/status"' in follow and "job-status.js" in follow
    assert planning.get(f"{page_url(town, code_survey)}/1/bogen/{running_id}.pdf").status_code == 404


def test_only_the_planner_who_asked_gets_the_sheet(app, town, create_survey, create_project, code_survey,
                                                  planning, create_user, no_sheets):
    add_series(app, code_survey, 3)
    add_series(app, code_survey, 2)
    ask_for_sheet(planning, town, code_survey, 1)
    wait_for_jobs(app)
    [job] = sheet_jobs(app)
    sheet_page = f"{page_url(town, code_survey)}/1/bogen/{job.id}"
    assert download(planning, sheet_page + ".pdf").status_code == 200

    colleague = client_of(app, create_user(Role.PLANNER, towns=[town]))  # the same town, not the same person
    admin = client_of(app, create_user(Role.ADMIN))
    for other in (colleague, admin):
        assert other.get(sheet_page).status_code == 404
        assert other.get(sheet_page + ".pdf").status_code == 404
        page = other.get(page_url(town, code_survey)).get_data(as_text=True)
        assert f"/bogen/{job.id}" not in page and 'data-sheet="none"' in page
    # The job under another series or survey is no sheet of theirs; nor is a job of another kind.
    other_survey = create_survey(project=create_project(town=town), access=Access.CODE, kinds=("yesno",))
    add_series(app, other_survey, 1)
    assert planning.get(f"{page_url(town, code_survey)}/2/bogen/{job.id}.pdf").status_code == 404
    assert planning.get(f"{page_url(town, other_survey)}/1/bogen/{job.id}.pdf").status_code == 404
    with app.app_context():
        mail = Job(kind="selftest", payload={"survey_id": code_survey, "batch": 1}, user_id=job.user_id,
                   status=JobStatus.FINISHED, result=job.result)
        db.session.add(mail)
        db.session.commit()
        mail_id = mail.id
    assert planning.get(f"{page_url(town, code_survey)}/1/bogen/{mail_id}.pdf").status_code == 404
    # Signed out, the link leads to the login page.
    planning.post("/konto/abmelden", data={"csrf_token": csrf_token(planning, "/")})
    assert planning.get(sheet_page + ".pdf").status_code == 302


@pytest.mark.parametrize("failure", ["crash", "too slow"])
def test_a_failing_renderer_fails_the_job_with_a_message_and_leaves_no_file(app, town, code_survey, planning,
                                                                            monkeypatch, no_sheets, failure):
    add_series(app, code_survey, 3)
    if failure == "crash":
        monkeypatch.setattr(codes, "PYTHON", shutil.which("false"))  # exits 1 at once
    else:
        monkeypatch.setattr(codes, "SHEET_TIMEOUT_SECONDS", 0.01)
    response = ask_for_sheet(planning, town, code_survey, 1)
    wait_for_jobs(app)
    [job] = sheet_jobs(app)
    assert job.status is JobStatus.FAILED and job.message == SHEET_FAILED
    assert files_in(no_sheets) == []  # no part-… file, no work-… folder
    follow = planning.get(response.headers["Location"]).get_data(as_text=True)
    assert german(SHEET_FAILED) in follow
    assert f'action="{page_url(town, code_survey)}/1/bogen"' in follow  # try again
    assert "job-status.js" not in follow  # nothing to follow any more
    page = planning.get(page_url(town, code_survey)).get_data(as_text=True)
    assert german(SHEET_FAILED) in page and 'data-sheet="failed"' in page
    assert planning.get(f"{page_url(town, code_survey)}/1/bogen/{job.id}.pdf").status_code == 404
    status = planning.get(f"/auftraege/{job.id}/status").get_json()
    assert status["status"] == "failed" and status["message"] == german(SHEET_FAILED)


def test_a_sheet_expires_and_the_periodic_task_removes_it(app, town, code_survey, planning, no_sheets):
    add_series(app, code_survey, 2)
    ask_for_sheet(planning, town, code_survey, 1)
    wait_for_jobs(app)
    [job] = sheet_jobs(app)
    sheet_page = f"{page_url(town, code_survey)}/1/bogen/{job.id}"
    path = no_sheets / job.result["stored_name"]
    # Left behind by killed jobs: old ones go, a file or folder of a job that may still run stays.
    leftovers = [no_sheets / "part-0123456789abcdef0123456789abcdef.pdf", no_sheets / "work-old",
                 no_sheets / "part-fedcba9876543210fedcba9876543210.pdf", no_sheets / "work-busy"]
    for leftover in leftovers:
        if leftover.name.startswith("work-"):
            leftover.mkdir()
            (leftover / "sheet.html").write_text("<p>ABCDE-FGHJK</p>")
        else:
            leftover.write_bytes(b"%PDF-1.7 half")
    long_ago = time.time() - app.config["JOB_TIMEOUT_SECONDS"] - 7200
    for leftover in leftovers[:2]:
        os.utime(leftover, (long_ago, long_ago))
    with app.app_context():
        assert code_sheets.remove_expired() == 0  # the sheet is young
    assert path.is_file() and [p.exists() for p in leftovers] == [False, False, True, True]

    hours = app.config["EXPORT_RETENTION_HOURS"]
    with app.app_context():
        db.session.get(Job, job.id).finished_at = utcnow() - timedelta(hours=hours, minutes=1)
        db.session.commit()
    made = time.time() - hours * 3600 - 60
    os.utime(path, (made, made))
    assert download(planning, sheet_page + ".pdf").status_code == 410
    assert german("This sheet has expired; its file is deleted. Make a new one.") in \
        planning.get(sheet_page).get_data(as_text=True)
    page = planning.get(page_url(town, code_survey)).get_data(as_text=True)
    assert 'data-sheet="expired"' in page and f'action="{page_url(town, code_survey)}/1/bogen"' in page
    with app.app_context():
        assert code_sheets.remove_expired() == 1
        assert code_sheets.remove_expired() == 0  # safe to run twice
    assert not path.exists()


def test_an_unknown_series_is_not_found(app, town, code_survey, planning):
    add_series(app, code_survey, 1)
    assert planning.get(page_url(town, code_survey) + "/2.csv").status_code == 404
    assert ask_for_sheet(planning, town, code_survey, 2).status_code == 404
    assert planning.get(page_url(town, code_survey) + "/99999999999.csv").status_code == 404
    assert sheet_jobs(app) == []


SUFFIXES = ("", "/1.csv")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_only_the_towns_planners_see_its_codes(app, town, create_town, create_user, code_survey, suffix):
    add_series(app, code_survey, 2)
    url = page_url(town, code_survey) + suffix
    anonymous = client_of(app).get(url)
    assert anonymous.status_code == 302 and "/konto/anmelden" in anonymous.headers["Location"]
    assert client_of(app, create_user(Role.RESIDENT)).get(url).status_code == 403
    other = create_town()
    elsewhere = client_of(app, create_user(Role.PLANNER, towns=[other]))
    assert elsewhere.get(url).status_code == 403
    # The survey under the other town's address is no survey of that town.
    assert elsewhere.get(page_url(other, code_survey) + suffix).status_code == 404
    assert client_of(app, create_user(Role.ADMIN)).get(url).status_code == 200


def test_strangers_make_no_codes_and_no_sheets(app, town, create_town, create_user, code_survey):
    add_series(app, code_survey, 2)
    for user in (create_user(Role.RESIDENT), create_user(Role.PLANNER, towns=[create_town()])):
        client = client_of(app, user)
        response = client.post(page_url(town, code_survey), data={"count": "5", "csrf_token": csrf_token(client, "/")})
        assert response.status_code == 403
        assert ask_for_sheet(client, town, code_survey, 1).status_code == 403
    anonymous = client_of(app)
    refused = anonymous.post(page_url(town, code_survey) + "/1/bogen", data={"csrf_token": csrf_token(anonymous, "/")})
    assert refused.status_code == 302 and "/konto/anmelden" in refused.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(AccessCode.id))) == 2
    assert sheet_jobs(app) == []


@pytest.mark.parametrize("path", ["/nirgendwo/umfragen/1/zugangscodes", "{town}/umfragen/999999/zugangscodes",
                                  "{town}/umfragen/99999999999/zugangscodes"])
def test_unknown_towns_and_surveys_are_not_found(app, town, planning, path):
    assert planning.get(path.replace("{town}", f"/{town.slug}")).status_code == 404


def test_used_codes_are_marked_in_a_later_list(app, town, code_survey, planning):
    printed = add_series(app, code_survey, 3)
    with app.app_context():
        db.session.execute(update(AccessCode).where(AccessCode.survey_id == code_survey).values(used=True))
        db.session.commit()
    lines = planning.get(page_url(town, code_survey) + "/1.csv").get_data().decode("utf-8-sig").split("\r\n")
    assert lines[1:4] == [f"{code},{german('yes')},1" for code in printed]
