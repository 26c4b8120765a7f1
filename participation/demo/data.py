"""The demo towns: two municipalities, four projects, about 200 comments.

Fictional towns on real ground (Mecklenburg-Vorpommern, ETRS89/UTM 33N land)
so that maps and GIS layers line up with real data.
"""
from __future__ import annotations

#: Accounts printed by ``flask demo load``; only ever for a local demo.
USERS = [
    ("admin@demo.invalid", "Verwaltung", "admin", "demo-admin-pass", []),
    ("planung@demo.invalid", "Planungsamt Musterstadt", "planner", "demo-planer-pass", ["musterstadt"]),
    ("planung-beispielheim@demo.invalid", "Bauamt Beispielheim", "planner", "demo-planer-pass", ["beispielheim"]),
    ("gis@demo.invalid", "GIS Zweckverband", "gis", "demo-gis-pass", ["musterstadt", "beispielheim"]),
    ("buergerin@demo.invalid", "Anwohnerin", "resident", "demo-buerger-pass", []),
]

TOWNS = [
    ("musterstadt", "Musterstadt", "#004b76"),
    ("beispielheim", "Beispielheim", "#2e7d32"),
]

#: The towns' boundaries (lon/lat rings): plausible municipal outlines around their projects, so that
#: maps open on the town and project areas are checked against them.
BOUNDARIES = {
    "musterstadt": [
        (13.1985, 53.5302), (13.2290, 53.5121), (13.2710, 53.5088), (13.3105, 53.5190), (13.3398, 53.5402),
        (13.3452, 53.5688), (13.3240, 53.5930), (13.2875, 53.6046), (13.2460, 53.6010), (13.2108, 53.5862),
        (13.1902, 53.5610),
    ],
    "beispielheim": [
        (12.1405, 53.7791), (12.1702, 53.7702), (12.2010, 53.7768), (12.2148, 53.7935), (12.2031, 53.8112),
        (12.1718, 53.8170), (12.1442, 53.8074), (12.1340, 53.7920),
    ],
}

#: Zoning of the demo plan layer: (value, colour, legend label).
ZONES = [("WA", "#e8a0a0", "Allgemeines Wohngebiet"), ("MI", "#d9a066", "Mischgebiet"), ("GR", "#8fc97a", "Grünfläche")]

CATEGORIES = [("Verkehr", "#1f77b4"), ("Grün und Freiraum", "#2ca02c"), ("Spielen und Sport", "#ff7f0e"), ("Sonstiges", "#7f7f7f")]

#: (town, title, summary, description, phase, area ring lon/lat, comment count)
PROJECTS = [
    (
        "musterstadt",
        "Neugestaltung Marktplatz",
        "Wie soll der Marktplatz nach der Sanierung aussehen? Sagen Sie uns, was Ihnen wichtig ist.",
        "## Worum es geht\n\nDer Marktplatz wird ab 2027 saniert. Bevor die Planung beginnt, "
        "möchten wir wissen, **wo es heute hakt** und was Sie sich wünschen.\n\n"
        "- Setzen Sie eine Markierung auf die Karte und schreiben Sie Ihren Hinweis.\n"
        "- Unterstützen Sie Hinweise anderer, die Ihnen wichtig sind.\n",
        "participation",
        [(13.2580, 53.5560), (13.2660, 53.5560), (13.2660, 53.5600), (13.2580, 53.5600)],
        110,
    ),
    (
        "musterstadt",
        "Radweg entlang der Tollense",
        "Ein neuer Radweg soll die Innenstadt mit dem Seeufer verbinden.",
        "Der Radweg ist rund 2,5 km lang. Wo sehen Sie Gefahrenstellen, wo fehlen Querungen?",
        "participation",
        [(13.2450, 53.5400), (13.2650, 53.5400), (13.2650, 53.5520), (13.2450, 53.5520)],
        60,
    ),
    (
        "musterstadt",
        "Wohngebiet Am Lindenberg",
        "Information zum geplanten Wohngebiet mit 120 Wohnungen.",
        "Die frühzeitige Beteiligung ist abgeschlossen; die Hinweise werden ausgewertet.",
        "evaluation",
        [(13.2800, 53.5650), (13.2950, 53.5650), (13.2950, 53.5730), (13.2800, 53.5730)],
        20,
    ),
    (
        "beispielheim",
        "Spielplatz Schulstraße",
        "Der Spielplatz an der Schulstraße wird erneuert. Was wünschen sich Kinder und Eltern?",
        "Bis zum Ende der Beteiligung können Sie Ihre Ideen auf der Karte eintragen.",
        "participation",
        [(12.1730, 53.7920), (12.1790, 53.7920), (12.1790, 53.7955), (12.1730, 53.7955)],
        15,
    ),
]

COMMENT_TEXTS = [
    "Hier fehlen Fahrradbügel, die Räder stehen überall herum.",
    "Mehr Bäume und Schatten wären im Sommer sehr wichtig.",
    "Die Kreuzung ist für Kinder auf dem Schulweg gefährlich.",
    "Bitte Sitzbänke ohne Konsum aufstellen.",
    "Der Gehweg ist zu schmal für Kinderwagen und Rollstühle.",
    "Ein Trinkbrunnen an dieser Stelle wäre toll.",
    "Abends ist es hier zu dunkel, die Beleuchtung sollte verbessert werden.",
    "Die Parkplätze könnten wegfallen, dafür mehr Platz für den Markt.",
    "Bitte den alten Baumbestand unbedingt erhalten.",
    "Hier wünsche ich mir eine Querungshilfe über die Straße.",
    "Ein Spielgerät für Kleinkinder fehlt in der Nähe.",
    "Die Bushaltestelle braucht ein Wetterschutzdach.",
]
REPLY_TEXTS = ["Sehe ich genauso!", "Das wäre auch für ältere Menschen wichtig.", "Guter Hinweis, danke."]
