"""Map questions: places (points), a way (line) or an area, marked on the map or given as addresses.

The map script writes the marked coordinates as JSON ``[[lon, lat], …]`` into the field "<name>"; without a
script, or with the keyboard, people type addresses, one per line, into "<name>-addresses", which the town's
address list turns into points. Either way the server checks the geometry.
"""
from __future__ import annotations

import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from shapely.geometry.base import BaseGeometry

from geo.drawn import MOST_POINTS, drawn_geometry, measure, parse_coordinates
from geo.errors import N_, GeoInputError
from participation.surveys.questions import Answered, AnswerError, QuestionType, Setting, register
from participation.web.folium_maps import format_area, format_distance


#: The most addresses typed for one answer (each is a search in the town's address list).
MOST_ADDRESSES = 30


class MapQuestion(QuestionType):
    is_map = True
    #: "points", "line" or "area" (geo.drawn).
    shape: str
    measure_header = ""

    def read(self, question, reading) -> Answered:
        sent, typed = reading.get(), reading.get("addresses")
        if reading.get("clear"):
            return Answered()
        if sent and not typed:
            # 30 characters per point at most, and no nesting deeper than a list of pairs (json.loads
            # recurses: "[[[[…" would exhaust the stack).
            if len(sent) > MOST_POINTS * 30 or "[[[" in sent.replace(" ", ""):
                raise AnswerError(N_("The places could not be read. Please mark them again."))
            try:
                points = parse_coordinates(json.loads(sent))
            except (ValueError, RecursionError, GeoInputError):
                raise AnswerError(N_("The places could not be read. Please mark them again.")) from None
        else:
            points = []
            lines = [line.strip() for line in typed.splitlines() if line.strip()]
            if len(lines) > MOST_ADDRESSES:
                raise AnswerError(N_("Please type at most {number} addresses."), number=MOST_ADDRESSES)
            for line in lines:
                found = reading.find_address(line)
                if found is None:
                    raise AnswerError(N_("The address “{address}” was not found in the town's address list."),
                                      address=line[:100])
                points.append((round(found.x, 7), round(found.y, 7)))
        if not points:
            return Answered()
        self.check_count(question, points)
        try:
            geometry = drawn_geometry(self.shape, points)
        except GeoInputError as error:
            raise AnswerError(error.message, **error.params) from None
        if not reading.allows_place(geometry):
            raise AnswerError(N_("Please mark places inside the town."))
        return Answered(round(measure(geometry), 1), geometry)

    def check_count(self, question, points: list) -> None:
        pass

    def form_value(self, question, value, geometry: BaseGeometry | None) -> object:
        """The stored geometry as the JSON the map script reads back."""
        if geometry is None:
            return ""
        if geometry.geom_type == "Polygon":
            coordinates = list(geometry.exterior.coords)[:-1]
        elif geometry.geom_type == "MultiPoint":
            coordinates = [(p.x, p.y) for p in geometry.geoms]
        else:
            coordinates = list(geometry.coords)
        return json.dumps([[round(x, 7), round(y, 7)] for x, y in coordinates])

    def columns(self, question) -> list[tuple[str, str]]:
        return [("wkt", f"{question.text}: WKT (EPSG:4326)"), ("measure", f"{question.text}: {self.measure_header}")]

    def cells(self, question, value, geometry) -> list[object]:
        return [geometry.wkt if geometry is not None else None, value]

    def describe(self, question, value, geometry) -> str:
        if geometry is None:
            return ""
        if self.shape == "points":
            return ngettext("%(num)d place marked", "%(num)d places marked", len(geometry.geoms))
        if self.shape == "line":
            return _("A way of %(length)s", length=format_distance(value or 0))
        return _("An area of %(size)s", size=format_area((value or 0) / 1_000_000))

    def add(self, question, tally, value, geometry) -> None:
        tally.extra["sum"] = tally.extra.get("sum", 0) + (value or 0)

    def summary(self, question, tally, total: int) -> dict:
        return {"answered": tally.answered, "map": self.shape,
                "mean_measure": tally.extra.get("sum", 0) / tally.answered if tally.answered else None}


@register
class MapPoint(MapQuestion):
    kind = "map_point"
    label = _l("Places on the map")
    description = _l("“Mark the place where …”: one place or several.")
    settings = (Setting("max_points", _l("Most places per person"), "int", default=1, low=1, high=20),)
    shape = "points"
    measure_header = _l("places")

    def check_count(self, question, points: list) -> None:
        most = question.settings.get("max_points") or 1
        if len(points) > most:
            raise AnswerError(N_("Please mark at most {number} places."), number=most)


@register
class MapLine(MapQuestion):
    kind = "map_line"
    label = _l("Way on the map")
    description = _l("A way drawn on the map, e.g. the way to school.")
    shape = "line"
    measure_header = _l("length in metres")


@register
class MapArea(MapQuestion):
    kind = "map_area"
    label = _l("Area on the map")
    description = _l("An area drawn on the map, e.g. where it is too loud.")
    shape = "area"
    measure_header = _l("area in square metres")
