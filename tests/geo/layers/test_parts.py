"""A large layer leaves the sandbox in parts: the caller holds one part at a time, never the whole layer."""
from __future__ import annotations

import pandas as pd
import pytest
import shapely

from geo.layers import inspect_file, inspect_file_in_parts
from tests.geo.layers.conftest import REAL

BEZIRKE = REAL / "geopackage/berlin_bezirke_25833.gpkg"
pytestmark = pytest.mark.skipif(not BEZIRKE.is_file(), reason=f"real GIS files not found in {REAL}")


def test_the_parts_are_the_whole_layer_in_order_and_their_folder_goes(tmp_path):
    whole = inspect_file(BEZIRKE, BEZIRKE.name).gdf
    with inspect_file_in_parts(BEZIRKE, BEZIRKE.name, part_rows=5, tmp_root=tmp_path) as result:
        assert result.gdf is None and not result.needs_layer_choice
        assert result.report.feature_count == 12
        frames = list(result.parts.frames())
        assert all(path.is_file() for path in result.parts.paths)
    assert [len(frame) for frame in frames] == [5, 5, 2]
    joined = pd.concat(frames)
    assert joined.crs.to_epsg() == 4326
    assert joined.drop(columns="geometry").reset_index(drop=True).equals(whole.drop(columns="geometry"))
    assert shapely.equals_exact(joined.geometry.values, whole.geometry.values, 0).all()
    assert list(tmp_path.iterdir()) == []


def test_the_work_folder_goes_when_the_caller_fails_while_reading_the_parts(tmp_path):
    with pytest.raises(RuntimeError), inspect_file_in_parts(BEZIRKE, BEZIRKE.name, part_rows=5,
                                                             tmp_root=tmp_path) as result:
        next(result.parts.frames())
        raise RuntimeError("the database went away")
    assert list(tmp_path.iterdir()) == []


def test_a_file_with_several_layers_still_asks_which_one(tmp_path):
    plan = REAL / "xplan/Rotherbaum27_BP_xplan52_25832.gml"
    with inspect_file_in_parts(plan, plan.name, part_rows=100, tmp_root=tmp_path) as result:
        assert result.needs_layer_choice and result.parts is None and len(result.layers) == 23
