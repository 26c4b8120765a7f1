"""Shared helpers for the XPlanGML reader tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from geo.errors import GeoInputError
from geo.xplan import read_plan

#: The real plans (AGPL/GPL test data of xPlanBox and SAGis XPlanung), never copied into this repository.
REAL = Path(__file__).parents[3].parent / "shared" / "data" / "real"

XPLAN_NS = {
    "4.1": "http://www.xplanung.de/xplangml/4/1",
    "5.4": "http://www.xplanung.de/xplangml/5/4",
    "6.0": "http://www.xplanung.de/xplangml/6/0",
}
SQUARE = "565000 5940000 565100 5940000 565100 5940100 565000 5940100 565000 5940000"


def plan_gml(version: str = "6.0", *, plan: str | None = None, members: str = "", srs: str = "EPSG:25832",
             gml: str = "http://www.opengis.net/gml/3.2") -> str:
    """A small XPlanGML document; `plan` replaces the default BP_Plan, `members` adds features."""
    if plan is None:
        plan = (f'<xplan:BP_Plan gml:id="PLAN_1"><xplan:name>Testplan</xplan:name><xplan:nummer>7</xplan:nummer>'
                f'<xplan:raeumlicherGeltungsbereich><gml:Polygon srsName="{srs}" gml:id="G1"><gml:exterior>'
                f'<gml:LinearRing><gml:posList>{SQUARE}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>'
                f'</xplan:raeumlicherGeltungsbereich><xplan:planArt>1000</xplan:planArt>'
                f'<xplan:rechtsstand>2400</xplan:rechtsstand></xplan:BP_Plan>')
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<xplan:XPlanAuszug xmlns:xplan="{XPLAN_NS.get(version, version)}"'
            f' xmlns:gml="{gml}" xmlns:xlink="http://www.w3.org/1999/xlink" gml:id="A1">'
            f'<gml:featureMember>{plan}</gml:featureMember>{members}</xplan:XPlanAuszug>')


@pytest.fixture
def write(tmp_path):
    """Write text to a file under tmp_path and return its path."""

    def run(text: str, name: str = "plan.gml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return run


@pytest.fixture
def read(tmp_path):
    """read_plan with a private work folder."""
    work = tmp_path / "work"
    work.mkdir()

    def run(path: Path, **kwargs):
        return read_plan(path, work, **kwargs)

    return run


@pytest.fixture
def refused(read):
    """Run read_plan and return the GeoInputError it must raise."""

    def run(path: Path, **kwargs) -> GeoInputError:
        with pytest.raises(GeoInputError) as caught:
            read(path, **kwargs)
        return caught.value

    return run
