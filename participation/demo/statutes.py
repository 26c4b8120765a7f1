"""The demo town's statutes and address list: a plan in its public display imported from the XPlanGML
file in `files/`, a plan in force and the plan it replaced, and a design statute for the old town."""
from __future__ import annotations

import tempfile
import zipfile
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy import select

from participation.addresses.queries import address_list
from participation.addresses.services import import_addresses
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.projects.permissions import local_today
from participation.statutes import services, text
from participation.statutes.models import LegalStatus, PeriodKind, Statute, StatuteKind, StatutePeriod
from participation.statutes.xplan_import import import_xplan

FILES = Path(__file__).resolve().parent / "files"
PLAN = FILES / "bplan_nr12_am_muehlenteich.gml"
JUSTIFICATION = FILES / "begruendung_nr12.pdf"

#: (kind, number, title, summary, status, adopted, in force, repealed, area ring lon/lat, text)
BY_HAND = {
    "old": (
        StatuteKind.BEBAUUNGSPLAN, "3", "Schulviertel",
        "Der ursprüngliche Bebauungsplan für das Schulviertel von 1998.", LegalStatus.REPEALED,
        date(1998, 4, 2), date(1998, 6, 12), date(2019, 5, 3),
        [(13.2700, 53.5610), (13.2800, 53.5610), (13.2800, 53.5670), (13.2700, 53.5670)],
        "§ 1 Art der baulichen Nutzung\n(1) Das Plangebiet ist ein Reines Wohngebiet (WR).\n"
        "§ 2 Maß der baulichen Nutzung\n(1) Die Grundflächenzahl beträgt 0,3.\n(2) Zulässig ist ein Vollgeschoss.\n",
    ),
    "new": (
        StatuteKind.BEBAUUNGSPLAN, "3, 1. Änderung", "Schulviertel",
        "Die Änderung lässt zwei Vollgeschosse und kleine Läden zu, damit im Schulviertel mehr Wohnungen "
        "entstehen können.", LegalStatus.IN_FORCE,
        date(2019, 3, 21), date(2019, 5, 3), None,
        [(13.2700, 53.5610), (13.2800, 53.5610), (13.2800, 53.5670), (13.2700, 53.5670)],
        "§ 1 Art der baulichen Nutzung\n(1) Das Plangebiet ist ein Allgemeines Wohngebiet (WA).\n"
        "(2) Zulässig sind auch die der Versorgung des Gebiets dienenden Läden.\n"
        "§ 2 Maß der baulichen Nutzung\n(1) Die Grundflächenzahl beträgt 0,4.\n"
        "(2) Zulässig sind höchstens zwei Vollgeschosse.\n"
        "§ 3 Stellplätze\n(1) Je Wohnung ist ein Stellplatz herzustellen; Fahrradstellplätze sind überdacht "
        "anzulegen.\n",
    ),
    "design": (
        StatuteKind.GESTALTUNGSSATZUNG, "G 1", "Altstadt",
        "Regeln für Dächer, Fassaden und Werbeanlagen rund um den Marktplatz.", LegalStatus.IN_FORCE,
        date(2011, 9, 15), date(2011, 10, 1), None,
        [(13.2560, 53.5545), (13.2690, 53.5545), (13.2690, 53.5615), (13.2560, 53.5615)],
        "§ 1 Geltungsbereich\nDie Satzung gilt für die Altstadt rund um den Marktplatz; maßgeblich ist die Karte.\n"
        "§ 2 Dächer\n(1) Dächer sind als Satteldächer mit 40 bis 50 Grad Neigung auszuführen.\n"
        "(2) Zulässig sind rote bis rotbraune Tonziegel.\n"
        "§ 3 Werbeanlagen\n(1) Werbeanlagen sind nur an der Stätte der Leistung und nur im Erdgeschoss zulässig.\n",
    ),
}


def load_statutes(town: Municipality, planner, gis) -> None:
    """The demo's statutes and addresses for `town` (safe to run again: what exists is kept)."""
    if address_list(town) is None:
        import_addresses(town, FILES / "musterstadt_addresses.csv", gis, filename="musterstadt_addresses.csv")
    _displayed_plan(town, planner)
    old = _by_hand(town, planner, *BY_HAND["old"])
    new = _by_hand(town, planner, *BY_HAND["new"])
    old.replaced_by = new
    _by_hand(town, planner, *BY_HAND["design"])
    db.session.flush()


def _displayed_plan(town: Municipality, planner) -> Statute:
    """The plan imported from the demo's XPlanGML file with its justification (as an XPlanArchiv), in its
    public display whenever the demo is loaded."""
    statute = db.session.scalar(select(Statute).where(Statute.municipality_id == town.id, Statute.number == "12"))
    if statute is None:
        with tempfile.TemporaryDirectory() as folder:
            archive = Path(folder) / "bplan_nr12_am_muehlenteich.zip"
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
                bundle.write(PLAN, "xplan.gml")
                bundle.write(JUSTIFICATION, JUSTIFICATION.name)
            statute = import_xplan(town, archive, planner, publish=True).statute
    # The display runs whenever the demo is loaded: from two weeks ago for 45 days.
    today = local_today(current_app.config["TIME_ZONE"])
    statute.status = LegalStatus.PUBLIC_DISPLAY
    statute.periods = [StatutePeriod(kind=PeriodKind.DISPLAY, starts_on=today - timedelta(days=14),
                                     ends_on=today + timedelta(days=31), created_by_id=planner.id)]
    return statute


def _by_hand(town, planner, kind, number, title, summary, status, adopted, in_force, repealed, ring,
             body) -> Statute:
    statute = db.session.scalar(select(Statute).where(Statute.municipality_id == town.id, Statute.number == number,
                                                      Statute.kind == kind))
    if statute is not None:
        return statute
    statute = Statute(municipality=town, kind=kind, number=number, title=title, summary=summary, status=status,
                      adopted_on=adopted, in_force_from=in_force, repealed_on=repealed, created_by_id=planner.id)
    statute.set_area(MultiPolygon([Polygon(ring)]))
    db.session.add(statute)
    db.session.flush()
    text.replace_text(statute, text.parse_text(body), planner)
    services.publish_statute(statute, planner)
    services.refresh_search_text(statute)
    return statute
