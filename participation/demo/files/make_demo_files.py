"""Write the demo town's address list, plan and Begründung (deterministic; run by hand, never at app start).

    .venv/bin/python participation/demo/files/make_demo_files.py

Everything here is invented for the demo (see README.md): Musterstadt does not
exist, its streets are laid out on empty coordinates in ETRS89 / UTM 33N
(EPSG:25833) inside the demo boundary of `participation/demo/data.py`.
"""
from __future__ import annotations

import math
import random
import zlib
from pathlib import Path

import shapely

HERE = Path(__file__).resolve().parent
SEED = 12
POSTCODE = "17099"
PLACE = "Musterstadt"
#: Invented official municipality key (Land 13, district 071, municipality 999: none has that number).
AGS = "13071999"

#: Streets as polylines in EPSG:25833 (x, y), with the distance between houses on one side (m).
#: The town centre is the Marktplatz project (about x 384600–385150, y 5935535–5935970).
STREETS = [
    ("Hauptstraße", [(383600, 5935930), (384600, 5935935), (385200, 5935960), (385800, 5936010)], 28),
    ("Schulstraße", [(384500, 5935300), (384510, 5935880)], 26),
    ("Kirchstraße", [(384880, 5935990), (384890, 5936300)], 24),
    ("Lindenweg", [(385220, 5935990), (385560, 5936320)], 24),
    ("Bahnhofstraße", [(384850, 5935560), (384700, 5935120)], 26),
    ("Am Mühlenteich", [(384150, 5935610), (384150, 5935890)], 26),
    ("Mühlenweg", [(383965, 5935750), (384130, 5935750)], 24),
    ("Gartenstraße", [(383980, 5935480), (384480, 5935470)], 26),
    ("Rosenweg", [(385300, 5935420), (385310, 5935900)], 26),
    ("Seestraße", [(384690, 5935100), (384300, 5934720)], 26),
    ("Friedhofsweg", [(383800, 5935970), (383810, 5936300)], 30),
    ("Goethestraße", [(384300, 5936150), (384860, 5936160)], 26),
    ("Schillerstraße", [(384300, 5936360), (384860, 5936370)], 28),
    ("Neubrandenburger Straße", [(385820, 5936030), (386300, 5936120)], 30),
    ("Wiesengrund", [(385620, 5935480), (385640, 5935850)], 28),
]
#: The Marktplatz: houses around the square (corners in EPSG:25833), numbered clockwise.
MARKTPLATZ = [(384790, 5935680), (384790, 5935860), (384980, 5935860), (384980, 5935680)]
#: Bebauungsplan Nr. 12 "Am Mühlenteich": a 400 m × 300 m block west of the Marktplatz.
PLAN_BOX = (383950.0, 5935600.0, 384350.0, 5935900.0)


def _along(points: list[tuple[float, float]], spacing: float):
    """Positions every `spacing` metres along a polyline with the unit normal there."""
    done = spacing / 2
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        length = math.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        while done <= length:
            yield x0 + ux * done, y0 + uy * done, -uy, ux
            done += spacing
        done -= length


def addresses(rng: random.Random) -> list[tuple[str, str, str, float, float]]:
    """(street, house number, addition, east, north) for the whole town."""
    rows = []
    axes = {street: shapely.LineString(line) for street, line, _spacing in STREETS}

    def clear_of_other_streets(street: str, x: float, y: float) -> bool:
        return all(other == street or axes[other].distance(shapely.Point(x, y)) > 10 for other in axes)

    for street, line, spacing in STREETS:
        odd, even = 1, 2
        for x, y, nx, ny in _along(line, spacing * 1.2):
            for side, sign in (("odd", 1), ("even", -1)):
                offset = 14 + rng.uniform(0, 4)
                number = odd if side == "odd" else even
                hx, hy = x + sign * nx * offset, y + sign * ny * offset
                if not clear_of_other_streets(street, hx, hy):  # no house on a crossing road
                    continue
                rows.append((street, str(number), "", hx + rng.uniform(-1.5, 1.5), hy + rng.uniform(-1.5, 1.5)))
                if rng.random() < 0.08:  # a rear house: "5a"
                    rows.append((street, str(number), "a", x + sign * nx * (offset + 18), y + sign * ny * (offset + 18)))
                if side == "odd":
                    odd += 2
                else:
                    even += 2
    number = 1
    ring = MARKTPLATZ + MARKTPLATZ[:1]
    for x, y, nx, ny in _along(ring, 22):
        rows.append(("Marktplatz", str(number), "", x - nx * 10, y - ny * 10))
        number += 1
    return rows


def write_addresses(path: Path, rng: random.Random) -> int:
    """The address list in the HK-DE layout (header line, semicolons, decimal comma, zone 33 in the easting)."""
    keys = {name: f"{index * 7 + 101:05d}" for index, (name, _line, _s) in enumerate(STREETS)}
    keys["Marktplatz"] = "00500"
    header = "NBA;OI;QUA;LAN;RBZ;KRS;GMD;OTT;SSS;HNR;ADZ;OST;NORD;STN;PLZ;ONM;ZON;POT"
    lines = [header]
    for index, (street, number, addition, east, north) in enumerate(addresses(rng), start=1):
        ot = "Altstadt" if street in ("Marktplatz", "Kirchstraße", "Hauptstraße") else ""
        lines.append(";".join([
            "N", f"DEMV{index:012d}", "A", AGS[:2], AGS[2], AGS[3:5], AGS[5:], "0001", keys[street], number,
            addition, f"33{east:.3f}".replace(".", ","), f"{north:.3f}".replace(".", ","), street, POSTCODE,
            PLACE, "", ot]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


# --- the plan -------------------------------------------------------------------------------------------

_uid = 0


def gml_id(prefix: str = "GML") -> str:
    """Readable, stable ids (no random UUIDs, so the file only changes when its content does)."""
    global _uid
    _uid += 1
    return f"{prefix}_nr12_{_uid:04d}"


def ring(coords: list[tuple[float, float]]) -> str:
    closed = coords + coords[:1] if coords[0] != coords[-1] else coords
    return " ".join(f"{x:.3f} {y:.3f}" for x, y in closed)


def rect(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def polygon(coords: list[tuple[float, float]], srs: str = "EPSG:25833") -> str:
    closed = coords + coords[:1]
    return (f'<gml:Polygon srsName="{srs}" gml:id="{gml_id()}"><gml:exterior><gml:LinearRing>'
            f'<gml:posList srsDimension="2" count="{len(closed)}">{ring(coords)}</gml:posList>'
            '</gml:LinearRing></gml:exterior></gml:Polygon>')


def envelope(coords: list[tuple[float, float]]) -> str:
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    return (f'<gml:boundedBy><gml:Envelope srsName="EPSG:25833"><gml:lowerCorner>{min(xs):.3f} {min(ys):.3f}'
            f'</gml:lowerCorner><gml:upperCorner>{max(xs):.3f} {max(ys):.3f}</gml:upperCorner></gml:Envelope>'
            '</gml:boundedBy>')


TEXTS = [
    ("§ 1", "Art der baulichen Nutzung",
     ["Die allgemeinen Wohngebiete WA 1 bis WA 4 dienen vorwiegend dem Wohnen (§ 4 BauNVO).",
      "In den allgemeinen Wohngebieten sind Gartenbaubetriebe und Tankstellen nicht zulässig, auch nicht "
      "ausnahmsweise (§ 1 Abs. 6 Nr. 1 BauNVO).",
      "Im Mischgebiet MI sind Vergnügungsstätten nicht zulässig (§ 1 Abs. 5 BauNVO). Im Erdgeschoss der "
      "Gebäude an der Hauptstraße sind Wohnungen nur ausnahmsweise zulässig."]),
    ("§ 2", "Maß der baulichen Nutzung",
     ["Die zulässige Grundflächenzahl darf durch Garagen, Stellplätze mit ihren Zufahrten und Nebenanlagen "
      "um höchstens 25 vom Hundert überschritten werden (§ 19 Abs. 4 BauNVO).",
      "Die Oberkante der Gebäude darf bei einem Vollgeschoss 9,0 m, bei zwei Vollgeschossen 11,5 m und bei "
      "drei Vollgeschossen 13,5 m über der Höhe der angrenzenden Straßenverkehrsfläche nicht überschreiten."]),
    ("§ 3", "Bauweise, überbaubare Grundstücksflächen",
     ["In den allgemeinen Wohngebieten gilt die offene Bauweise; zulässig sind nur Einzel- und Doppelhäuser.",
      "Terrassen und Balkone dürfen die Baugrenzen um bis zu 3,0 m überschreiten.",
      "Garagen und Carports müssen zur Straßenbegrenzungslinie einen Abstand von mindestens 5,0 m halten."]),
    ("§ 4", "Grünordnung",
     ["Die öffentliche Grünfläche mit der Zweckbestimmung Spielplatz ist naturnah zu gestalten; der "
      "Gehölzbestand am Ufer des Mühlenteichs ist zu erhalten.",
      "Je angefangene 300 m² Grundstücksfläche ist mindestens ein standortgerechter Laubbaum zu pflanzen und "
      "dauerhaft zu erhalten.",
      "Stellplätze und ihre Zufahrten sind mit wasserdurchlässigen Belägen herzustellen."]),
    ("§ 5", "Niederschlagswasser",
     ["Das auf den Baugrundstücken anfallende Niederschlagswasser ist auf den Grundstücken zu versickern oder "
      "in Zisternen zu sammeln. Ein Überlauf in den Mühlenteich ist zulässig."]),
    ("§ 6", "Örtliche Bauvorschriften",
     ["Dächer von Hauptgebäuden sind als Sattel-, Walm- oder Zeltdach mit einer Neigung von 25° bis 45° "
      "auszuführen; Flachdächer sind nur begrünt zulässig (§ 86 LBauO M-V).",
      "Einfriedungen zur Straße dürfen nicht höher als 1,2 m sein."]),
]


def _text_body(title: str, paragraphs: list[str]) -> str:
    numbered = paragraphs if len(paragraphs) == 1 else [f"({i}) {p}" for i, p in enumerate(paragraphs, 1)]
    return title + "\n\n" + "\n".join(numbered)


def plan_gml() -> str:
    """Bebauungsplan Nr. 12 "Am Mühlenteich" in XPlanGML 6.0, EPSG:25833."""
    x0, y0, x1, y1 = PLAN_BOX
    xm = 384150.0  # axis of the street "Am Mühlenteich"
    ym = 5935750.0  # axis of the "Mühlenweg"
    boundary = [(x0, y0), (x1, y0), (x1, y1 - 20), (x1 - 20, y1), (x0, y1)]
    plan_id, bereich_id = gml_id(), gml_id()
    text_ids = [gml_id() for _ in TEXTS]
    t = dict(zip(("nutzung", "mass", "bauweise", "gruen", "wasser", "gestaltung"), text_ids))
    street = [(xm - 6, y0), (xm + 6, y0), (xm + 6, y1), (xm - 6, y1), (xm - 6, ym + 5), (x0, ym + 5), (x0, ym - 5),
              (xm - 6, ym - 5)]
    # (name, ring, besondereArtDerBaulNutzung, GRZ, Z, bauweise, texts)
    areas = [
        ("WA 1", rect(x0, ym + 5, 384050, y1), 1200, "0.3", 1, 1000, ["nutzung", "mass", "bauweise"]),
        ("WA 2", rect(384050, ym + 5, xm - 6, y1), 1200, "0.4", 2, 1000, ["nutzung", "mass", "bauweise"]),
        ("WA 3", rect(x0, y0, 384060, ym - 5), 1200, "0.4", 2, 1000, ["nutzung", "mass", "bauweise"]),
        ("WA 4", rect(384060, y0, xm - 6, ym - 5), 1200, "0.4", 2, 1000, ["nutzung", "mass", "bauweise"]),
        ("MI", [(xm + 6, 5935780), (x1, 5935780), (x1, y1 - 20), (x1 - 20, y1), (xm + 6, y1)], 1500, "0.6", 3,
         1000, ["nutzung", "mass"]),
        ("WA 5", rect(xm + 6, y0, 384260, 5935780), 1200, "0.4", 2, 1000, ["nutzung", "mass", "bauweise"]),
    ]
    green = rect(384260, y0, x1, 5935780)
    windows = [rect(384160, 5935795, 384330, 5935880), rect(384160, 5935616, 384245, 5935764)]
    lines = [[(383962, 5935767), (383962, 5935888), (384040, 5935888)],
             [(383962, 5935612), (383962, 5935733), (384048, 5935733)]]
    members: list[str] = []
    content_ids: list[str] = []

    def refs(names: list[str]) -> str:
        return "".join(f'<xplan:refTextInhalt xlink:href="#{t[n]}"/>' for n in names)

    for name, coords, art, grz, z, bauweise, names in areas:
        oid = gml_id()
        content_ids.append(oid)
        members.append(
            f'<xplan:BP_BaugebietsTeilFlaeche gml:id="{oid}">{envelope(coords)}'
            f'<xplan:text>{name}</xplan:text>'
            f'<xplan:gehoertZuBereich xlink:href="#{bereich_id}"/><xplan:rechtscharakter>1000</xplan:rechtscharakter>'
            f'{refs(names)}<xplan:position>{polygon(coords)}</xplan:position>'
            f'<xplan:flaechenschluss>true</xplan:flaechenschluss><xplan:GRZ>{grz}</xplan:GRZ><xplan:Z>{z}</xplan:Z>'
            f'<xplan:besondereArtDerBaulNutzung>{art}</xplan:besondereArtDerBaulNutzung>'
            f'<xplan:bauweise>{bauweise}</xplan:bauweise></xplan:BP_BaugebietsTeilFlaeche>')
    for coords in windows:
        oid = gml_id()
        content_ids.append(oid)
        members.append(
            f'<xplan:BP_UeberbaubareGrundstuecksFlaeche gml:id="{oid}">{envelope(coords)}'
            f'<xplan:gehoertZuBereich xlink:href="#{bereich_id}"/><xplan:rechtscharakter>1000</xplan:rechtscharakter>'
            f'{refs(["bauweise"])}<xplan:position>{polygon(coords)}</xplan:position>'
            '<xplan:flaechenschluss>false</xplan:flaechenschluss></xplan:BP_UeberbaubareGrundstuecksFlaeche>')
    for coords in lines:
        oid = gml_id()
        content_ids.append(oid)
        members.append(
            f'<xplan:BP_BauGrenze gml:id="{oid}">{envelope(coords)}'
            f'<xplan:gehoertZuBereich xlink:href="#{bereich_id}"/><xplan:rechtscharakter>1000</xplan:rechtscharakter>'
            f'{refs(["bauweise"])}<xplan:position><gml:LineString srsName="EPSG:25833" gml:id="{gml_id()}">'
            f'<gml:posList srsDimension="2" count="{len(coords)}">'
            + " ".join(f"{x:.3f} {y:.3f}" for x, y in coords)
            + '</gml:posList></gml:LineString></xplan:position></xplan:BP_BauGrenze>')
    oid = gml_id()
    content_ids.append(oid)
    members.append(
        f'<xplan:BP_StrassenVerkehrsFlaeche gml:id="{oid}">{envelope(street)}'
        f'<xplan:text>Am Mühlenteich, Mühlenweg</xplan:text>'
        f'<xplan:gehoertZuBereich xlink:href="#{bereich_id}"/><xplan:rechtscharakter>1000</xplan:rechtscharakter>'
        f'<xplan:position>{polygon(street)}</xplan:position><xplan:flaechenschluss>true</xplan:flaechenschluss>'
        '<xplan:nutzungsform>2000</xplan:nutzungsform></xplan:BP_StrassenVerkehrsFlaeche>')
    oid = gml_id()
    content_ids.append(oid)
    members.append(
        f'<xplan:BP_GruenFlaeche gml:id="{oid}">{envelope(green)}'
        f'<xplan:text>Spielplatz am Mühlenteich</xplan:text>'
        f'<xplan:gehoertZuBereich xlink:href="#{bereich_id}"/><xplan:rechtscharakter>1000</xplan:rechtscharakter>'
        f'{refs(["gruen", "wasser"])}<xplan:position>{polygon(green)}</xplan:position>'
        '<xplan:flaechenschluss>true</xplan:flaechenschluss><xplan:zweckbestimmung><xplan:BP_KomplexeZweckbestGruen>'
        '<xplan:allgemein>1600</xplan:allgemein></xplan:BP_KomplexeZweckbestGruen></xplan:zweckbestimmung>'
        '<xplan:nutzungsform>2000</xplan:nutzungsform></xplan:BP_GruenFlaeche>')
    for (key, title, paragraphs), tid in zip(TEXTS, text_ids):
        members.append(
            f'<xplan:XP_TextAbschnitt gml:id="{tid}"><xplan:schluessel>{key}</xplan:schluessel>'
            f'<xplan:text>{_text_body(title, paragraphs)}</xplan:text>'
            '<xplan:rechtscharakter>1000</xplan:rechtscharakter></xplan:XP_TextAbschnitt>')
    plan = (
        f'<xplan:BP_Plan gml:id="{plan_id}">{envelope(boundary)}'
        '<xplan:name>Am Mühlenteich</xplan:name><xplan:nummer>12</xplan:nummer>'
        '<xplan:beschreibung>Wohnen und Mischnutzung zwischen Hauptstraße und Mühlenteich mit öffentlichem '
        'Spielplatz. Entwurf zur Veröffentlichung nach § 3 Abs. 2 BauGB. Für die Demo erfunden.</xplan:beschreibung>'
        '<xplan:technHerstellDatum>2026-10-01</xplan:technHerstellDatum>'
        '<xplan:erstellungsMassstab>1000</xplan:erstellungsMassstab>'
        f'<xplan:raeumlicherGeltungsbereich><gml:MultiSurface srsName="EPSG:25833" gml:id="{gml_id()}">'
        f'<gml:surfaceMember>{polygon(boundary)}</gml:surfaceMember></gml:MultiSurface>'
        '</xplan:raeumlicherGeltungsbereich>'
        '<xplan:externeReferenz><xplan:XP_SpezExterneReferenz><xplan:art>Dokument</xplan:art>'
        '<xplan:referenzName>Begründung zum Bebauungsplan Nr. 12 „Am Mühlenteich“</xplan:referenzName>'
        '<xplan:referenzURL>begruendung_nr12.pdf</xplan:referenzURL>'
        '<xplan:referenzMimeType codeSpace="https://registry.gdi-de.org/codelist/de.xleitstelle.xplanung/'
        'XP_MimeTypes">application/pdf</xplan:referenzMimeType>'
        '<xplan:datum>2026-10-01</xplan:datum><xplan:typ>1010</xplan:typ></xplan:XP_SpezExterneReferenz>'
        '</xplan:externeReferenz>'
        + "".join(f'<xplan:texte xlink:href="#{tid}"/>' for tid in text_ids)
        + f'<xplan:gemeinde><xplan:XP_Gemeinde><xplan:ags>{AGS}</xplan:ags>'
        f'<xplan:gemeindeName>{PLACE}</xplan:gemeindeName></xplan:XP_Gemeinde></xplan:gemeinde>'
        '<xplan:planArt>1000</xplan:planArt><xplan:rechtsstand>2400</xplan:rechtsstand>'
        '<xplan:aufstellungsbeschlussDatum>2025-03-20</xplan:aufstellungsbeschlussDatum>'
        '<xplan:auslegungsStartDatum>2026-11-16</xplan:auslegungsStartDatum>'
        '<xplan:auslegungsEndDatum>2027-01-08</xplan:auslegungsEndDatum>'
        '<xplan:staedtebaulicherVertrag>false</xplan:staedtebaulicherVertrag>'
        '<xplan:erschliessungsVertrag>false</xplan:erschliessungsVertrag>'
        '<xplan:durchfuehrungsVertrag>false</xplan:durchfuehrungsVertrag>'
        '<xplan:gruenordnungsplan>false</xplan:gruenordnungsplan>'
        '<xplan:versionBauNVO><xplan:XP_GesetzlicheGrundlage><xplan:name>BauNVO</xplan:name>'
        '<xplan:datum>2023-07-03</xplan:datum></xplan:XP_GesetzlicheGrundlage></xplan:versionBauNVO>'
        '<xplan:versionBauGB><xplan:XP_GesetzlicheGrundlage><xplan:name>BauGB</xplan:name>'
        '<xplan:datum>2023-12-20</xplan:datum></xplan:XP_GesetzlicheGrundlage></xplan:versionBauGB>'
        f'<xplan:bereich xlink:href="#{bereich_id}"/></xplan:BP_Plan>')
    bereich = (
        f'<xplan:BP_Bereich gml:id="{bereich_id}">{envelope(boundary)}<xplan:nummer>0</xplan:nummer>'
        '<xplan:name>Geltungsbereich</xplan:name>'
        f'<xplan:geltungsbereich>{polygon(boundary)}</xplan:geltungsbereich>'
        + "".join(f'<xplan:planinhalt xlink:href="#{cid}"/>' for cid in content_ids)
        + f'<xplan:verfahren>1000</xplan:verfahren><xplan:gehoertZuPlan xlink:href="#{plan_id}"/></xplan:BP_Bereich>')
    body = "".join(f"\n  <gml:featureMember>\n    {m}\n  </gml:featureMember>" for m in [plan, bereich] + members)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!-- Bebauungsplan Nr. 12 "Am Mühlenteich", Musterstadt: invented for the Beteiligungspool demo, '
        'CC0 1.0 / dl-de/zero-2-0 (see README.md). Written by make_demo_files.py. -->\n'
        '<xplan:XPlanAuszug xmlns:xplan="http://www.xplanung.de/xplangml/6/0" '
        'xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'gml:id="{gml_id()}" xsi:schemaLocation="http://www.xplanung.de/xplangml/6/0 '
        'https://repository.gdi-de.org/schemas/de.xleitstelle.xplanung/6.0/XPlanung-Operationen.xsd">\n'
        f'  {envelope(boundary)}{body}\n</xplan:XPlanAuszug>\n')


# --- the Begründung as a small PDF (no PDF library needed) ------------------------------------------------

BEGRUENDUNG = [
    ("Begründung zum Bebauungsplan Nr. 12 „Am Mühlenteich“", 15),
    ("Stadt Musterstadt – Entwurf zur Veröffentlichung, 16.11.2026 bis 08.01.2027", 10),
    ("", 10),
    ("1. Anlass und Ziel der Planung", 12),
    ("Zwischen der Hauptstraße und dem Mühlenteich liegen seit der Aufgabe der Gärtnerei Brachflächen.", 10),
    ("Die Stadt möchte hier Wohnungen für Familien und ältere Menschen ermöglichen, die Hauptstraße", 10),
    ("als Geschäftsstraße stärken und den Uferbereich des Mühlenteichs öffentlich zugänglich machen.", 10),
    ("", 10),
    ("2. Lage und Geltungsbereich", 12),
    ("Das Plangebiet ist rund 400 m lang und 300 m breit und liegt westlich des Marktplatzes.", 10),
    ("Es wird von der Hauptstraße, der Gartenstraße und dem Ufer des Mühlenteichs begrenzt.", 10),
    ("", 10),
    ("3. Inhalt der Planung", 12),
    ("Allgemeine Wohngebiete (WA 1 bis WA 5) mit ein bis zwei Vollgeschossen und offener Bauweise;", 10),
    ("ein Mischgebiet (MI) mit bis zu drei Vollgeschossen an der Hauptstraße; die Straßen", 10),
    ("Am Mühlenteich und Mühlenweg als öffentliche Verkehrsflächen; ein Spielplatz am Mühlenteich.", 10),
    ("", 10),
    ("4. Umwelt und Grünordnung", 12),
    ("Der Gehölzbestand am Ufer bleibt erhalten. Je 300 m² Grundstück wird ein Laubbaum gepflanzt.", 10),
    ("Niederschlagswasser wird auf den Grundstücken versickert oder in Zisternen gesammelt.", 10),
    ("", 10),
    ("5. Beteiligung", 12),
    ("Stellungnahmen können während der Veröffentlichung online, schriftlich oder zur Niederschrift", 10),
    ("abgegeben werden. Nicht fristgerecht abgegebene Stellungnahmen können unberücksichtigt bleiben.", 10),
    ("", 10),
    ("Dieses Dokument wurde für die Demo des Beteiligungspools erfunden (CC0 1.0 / dl-de/zero-2-0).", 8),
]


def _pdf_text(text: str) -> bytes:
    """A PDF string in WinAnsiEncoding (cp1252), with ( ) \\ escaped."""
    raw = text.replace("„", '"').replace("“", '"').encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def begruendung_pdf() -> bytes:
    """A one-page A4 PDF with Helvetica text (WinAnsiEncoding, so umlauts and ß show)."""
    ops = [b"BT", b"56 780 Td"]
    for text, size in BEGRUENDUNG:
        font = b"/F2" if size >= 12 else b"/F1"
        ops.append(font + b" %d Tf" % size)
        ops.append(_pdf_text(text) + b" Tj")
        ops.append(b"0 -%d Td" % int(size * 1.6 + 2))
    ops.append(b"ET")
    content = zlib.compress(b"\n".join(ops))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title (Begruendung Bebauungsplan Nr. 12) /Producer (make_demo_files.py) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def main() -> None:
    count = write_addresses(HERE / "musterstadt_addresses.csv", random.Random(SEED))  # noqa: S311 (demo data)
    (HERE / "bplan_nr12_am_muehlenteich.gml").write_text(plan_gml(), encoding="utf-8")
    (HERE / "begruendung_nr12.pdf").write_bytes(begruendung_pdf())
    print(f"{count} addresses, plan and Begründung written to {HERE}")


if __name__ == "__main__":
    main()
