"""Whether a project area fits its town: inside the boundary, or, without one, of a town's size."""
from __future__ import annotations

from shapely.geometry.base import BaseGeometry

from geo.areas import area_km2, metres_beyond
from participation.municipalities.models import Municipality

#: How far a hand-drawn outline may stray beyond the town's boundary: a click on the map is
#: seldom closer than a few pixels, which at town zoom are tens of metres.
BOUNDARY_TOLERANCE_M = 50.0
#: Without a boundary, an area larger than this needs the planner's confirmation: it is larger
#: than any German municipality (the largest, Berlin, has 891 km²).
LARGE_AREA_KM2 = 1_000.0


class AreaOutsideBoundary(ValueError):
    """The area reaches beyond the town's boundary by more than BOUNDARY_TOLERANCE_M."""

    def __init__(self, metres: float) -> None:
        super().__init__(f"the area reaches {metres:.0f} m beyond the town's boundary")
        self.metres = metres


class AreaSizeUnconfirmed(ValueError):
    """The town has no boundary and the area is larger than LARGE_AREA_KM2; the planner did not
    confirm the size."""

    def __init__(self, km2: float) -> None:
        super().__init__(f"an area of {km2:.0f} km² needs confirmation")
        self.km2 = km2


def check_area(town: Municipality, area: BaseGeometry, *, size_confirmed: bool = False) -> None:
    """Refuse an area that does not fit `town`.

    Raises
    ------
    AreaOutsideBoundary
        When the town has a boundary and the area reaches beyond it (by more than the tolerance).
    AreaSizeUnconfirmed
        When the town has no boundary, the area is larger than LARGE_AREA_KM2 and
        `size_confirmed` is false.
    """
    if town.boundary is not None and not town.boundary.is_empty:
        metres = metres_beyond(area, town.boundary, BOUNDARY_TOLERANCE_M)
        if metres is not None:
            raise AreaOutsideBoundary(metres)
        return
    size = area_km2(area)
    if size > LARGE_AREA_KM2 and not size_confirmed:
        raise AreaSizeUnconfirmed(size)
