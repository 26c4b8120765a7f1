"""The plan object classes of XPlanGML 4.1 – 6.0: their German labels and layer-switcher groups.

Plans, their parts (Bereiche) and presentation objects are listed too, so an importer can tell
what to show as a layer, what is the Geltungsbereich, and what to skip.
"""
from __future__ import annotations

# Groups of the layer switcher, in the order they are offered.
BUILDING_USE = "Bauliche Nutzung"
BUILDABLE = "Überbaubare Flächen"
TRAFFIC = "Verkehr"
GREEN_WATER = "Grün und Wasser"
PUBLIC_SUPPLY = "Gemeinbedarf und Versorgung"
PROTECTION = "Schutz und Erhaltung"
OTHER = "Sonstiges"
GROUP_ORDER = (BUILDING_USE, BUILDABLE, TRAFFIC, GREEN_WATER, PUBLIC_SUPPLY, PROTECTION, OTHER)

#: class -> (German label, layer group)
_CLASSES: dict[str, tuple[str, str]] = {
    # Plans and their parts: the Geltungsbereich outline
    "BP_Plan": ("Bebauungsplan", OTHER), "FP_Plan": ("Flächennutzungsplan", OTHER),
    "SO_Plan": ("Sonstiger Plan", OTHER), "BP_Bereich": ("Planbereich", OTHER),
    "FP_Bereich": ("Planbereich", OTHER), "SO_Bereich": ("Planbereich", OTHER),
    "XP_Plangeber": ("Plangeber", OTHER),
    "BP_TextAbschnitt": ("Textliche Festsetzung", OTHER), "XP_TextAbschnitt": ("Textliche Festsetzung", OTHER),
    "FP_TextAbschnitt": ("Textliche Darstellung", OTHER), "XP_Rasterdarstellung": ("Rasterplan", OTHER),
    # Bebauungsplan
    "BP_BaugebietsTeilFlaeche": ("Baugebietsteilfläche", BUILDING_USE),
    "BP_BesondererNutzungszweckFlaeche": ("Fläche mit besonderem Nutzungszweck", BUILDING_USE),
    "BP_NutzungsartenGrenze": ("Abgrenzung unterschiedlicher Nutzung", BUILDING_USE),
    "BP_HoehenMass": ("Höhenfestsetzung", BUILDING_USE),
    "BP_UeberbaubareGrundstuecksFlaeche": ("Überbaubare Grundstücksfläche", BUILDABLE),
    "BP_BauGrenze": ("Baugrenze", BUILDABLE), "BP_BauLinie": ("Baulinie", BUILDABLE),
    "BP_SpezielleBauweise": ("Spezielle Bauweise", BUILDABLE),
    "BP_FirstRichtungsLinie": ("Firstrichtung", BUILDABLE),
    "BP_NebenanlagenFlaeche": ("Fläche für Nebenanlagen", BUILDABLE),
    "BP_GemeinschaftsanlagenFlaeche": ("Fläche für Gemeinschaftsanlagen", BUILDABLE),
    "BP_GemeinschaftsanlagenZuordnung": ("Zuordnung von Gemeinschaftsanlagen", BUILDABLE),
    "BP_StrassenVerkehrsFlaeche": ("Straßenverkehrsfläche", TRAFFIC),
    "BP_StrassenbegrenzungsLinie": ("Straßenbegrenzungslinie", TRAFFIC),
    "BP_VerkehrsflaecheBesondererZweckbestimmung": ("Verkehrsfläche besonderer Zweckbestimmung", TRAFFIC),
    "BP_BereichOhneEinAusfahrtLinie": ("Bereich ohne Ein- und Ausfahrt", TRAFFIC),
    "BP_EinfahrtPunkt": ("Einfahrt", TRAFFIC), "BP_Wegerecht": ("Geh-, Fahr- und Leitungsrecht", TRAFFIC),
    "BP_GruenFlaeche": ("Grünfläche", GREEN_WATER), "BP_WaldFlaeche": ("Waldfläche", GREEN_WATER),
    "BP_LandwirtschaftsFlaeche": ("Fläche für die Landwirtschaft", GREEN_WATER),
    "BP_GewaesserFlaeche": ("Wasserfläche", GREEN_WATER),
    "BP_WasserwirtschaftsFlaeche": ("Fläche für die Wasserwirtschaft", GREEN_WATER),
    "BP_AnpflanzungBindungErhaltung": ("Anpflanzung, Bindung und Erhaltung", GREEN_WATER),
    "BP_GemeinbedarfsFlaeche": ("Gemeinbedarfsfläche", PUBLIC_SUPPLY),
    "BP_SpielSportanlagenFlaeche": ("Fläche für Spiel- und Sportanlagen", PUBLIC_SUPPLY),
    "BP_VerEntsorgung": ("Fläche für Ver- und Entsorgung", PUBLIC_SUPPLY),
    "BP_SchutzPflegeEntwicklungsFlaeche": ("Fläche für Schutz, Pflege und Entwicklung von Natur", PROTECTION),
    "BP_SchutzPflegeEntwicklungsMassnahme": ("Maßnahme zum Schutz, zur Pflege und Entwicklung von Natur", PROTECTION),
    "BP_AusgleichsFlaeche": ("Ausgleichsfläche", PROTECTION),
    "BP_AusgleichsMassnahme": ("Ausgleichsmaßnahme", PROTECTION),
    "BP_ErhaltungsBereichFlaeche": ("Erhaltungsbereich", PROTECTION),
    "BP_DenkmalschutzEnsembleFlaeche": ("Denkmalschutz-Ensemble", PROTECTION),
    "BP_DenkmalschutzEinzelanlage": ("Denkmalschutz-Einzelanlage", PROTECTION),
    "BP_Immissionsschutz": ("Immissionsschutz", PROTECTION),
    "BP_KennzeichnungsFlaeche": ("Kennzeichnung", OTHER),
    "BP_TextlicheFestsetzungsFlaeche": ("Fläche mit textlicher Festsetzung", OTHER),
    "BP_AbgrabungsFlaeche": ("Abgrabungsfläche", OTHER), "BP_AufschuettungsFlaeche": ("Aufschüttungsfläche", OTHER),
    "BP_BodenschaetzeFlaeche": ("Fläche für Bodenschätze", OTHER),
    "BP_Veraenderungssperre": ("Veränderungssperre", OTHER),
    "BP_UnverbindlicheVormerkung": ("Unverbindliche Vormerkung", OTHER),
    "BP_FlaecheOhneFestsetzung": ("Fläche ohne Festsetzung", OTHER),
    "BP_ZentralerVersorgungsbereich": ("Zentraler Versorgungsbereich", OTHER),
    "BP_RegelungVergnuegungsstaetten": ("Regelung für Vergnügungsstätten", BUILDING_USE),
    "BP_PersGruppenBestimmteFlaeche": ("Fläche für bestimmte Personengruppen", BUILDING_USE),
    "BP_WohngebaeudeFlaeche": ("Fläche für Wohngebäude", BUILDING_USE),
    "BP_FoerderungsFlaeche": ("Fläche für geförderten Wohnungsbau", BUILDING_USE),
    "BP_GebaeudeFlaeche": ("Gebäudefläche", BUILDABLE), "BP_AbstandsFlaeche": ("Abstandsfläche", BUILDABLE),
    "BP_AbstandsMass": ("Abstandsmaß", BUILDABLE),
    "BP_NebenanlagenAusschlussFlaeche": ("Fläche ohne Nebenanlagen", BUILDABLE),
    "BP_Sichtflaeche": ("Sichtfläche", TRAFFIC),
    "BP_TechnischeMassnahmenFlaeche": ("Fläche für technische Maßnahmen", PROTECTION),
    "BP_EingriffsBereich": ("Eingriffsbereich", PROTECTION),
    "BP_RichtungssektorGrenze": ("Grenze eines Richtungssektors (Lärmkontingent)", PROTECTION),
    "BP_ZusatzkontingentLaerm": ("Zusatzkontingent Lärm", PROTECTION),
    "BP_ZusatzkontingentLaermFlaeche": ("Fläche mit Zusatzkontingent Lärm", PROTECTION),
    # Flächennutzungsplan
    "FP_BebauungsFlaeche": ("Baufläche", BUILDING_USE),
    "FP_KeineZentrAbwasserBeseitigungFlaeche": ("Fläche ohne zentrale Abwasserbeseitigung", BUILDING_USE),
    "FP_Strassenverkehr": ("Fläche für den Straßenverkehr", TRAFFIC),
    "FP_Gruen": ("Grünfläche", GREEN_WATER), "FP_WaldFlaeche": ("Waldfläche", GREEN_WATER),
    "FP_LandwirtschaftsFlaeche": ("Fläche für die Landwirtschaft", GREEN_WATER),
    "FP_Landwirtschaft": ("Fläche für die Landwirtschaft", GREEN_WATER),
    "FP_Gewaesser": ("Wasserfläche", GREEN_WATER),
    "FP_Wasserwirtschaft": ("Fläche für die Wasserwirtschaft", GREEN_WATER),
    "FP_Gemeinbedarf": ("Fläche für den Gemeinbedarf", PUBLIC_SUPPLY),
    "FP_SpielSportanlage": ("Fläche für Spiel- und Sportanlagen", PUBLIC_SUPPLY),
    "FP_VerEntsorgung": ("Fläche für Ver- und Entsorgung", PUBLIC_SUPPLY),
    "FP_SchutzPflegeEntwicklung": ("Fläche für Schutz, Pflege und Entwicklung von Natur", PROTECTION),
    "FP_AusgleichsFlaeche": ("Ausgleichsfläche", PROTECTION),
    "FP_AnpassungKlimawandel": ("Anpassung an den Klimawandel", PROTECTION),
    "FP_Kennzeichnung": ("Kennzeichnung", OTHER),
    "FP_PrivilegiertesVorhaben": ("Privilegiertes Vorhaben", OTHER),
    "FP_TextlicheDarstellungsFlaeche": ("Fläche mit textlicher Darstellung", OTHER),
    "FP_VorbehalteFlaeche": ("Vorbehaltsfläche", OTHER),
    "FP_UnverbindlicheVormerkung": ("Unverbindliche Vormerkung", OTHER),
    "FP_ZentralerVersorgungsbereich": ("Zentraler Versorgungsbereich", OTHER),
    "FP_AbgrabungsFlaeche": ("Abgrabungsfläche", OTHER), "FP_AufschuettungsFlaeche": ("Aufschüttungsfläche", OTHER),
    "FP_BodenschaetzeFlaeche": ("Fläche für Bodenschätze", OTHER),
    "FP_GenerischesObjekt": ("Sonstige Darstellung", OTHER),
    # Sonstige Planwerke and nachrichtliche Übernahmen
    "SO_Gebiet": ("Gebiet nach besonderem Städtebaurecht", PROTECTION),
    "SO_Denkmalschutzrecht": ("Denkmalschutz", PROTECTION),
    "SO_Schutzgebiet": ("Schutzgebiet", PROTECTION),
    "SO_SchutzgebietNaturschutzrecht": ("Schutzgebiet nach Naturschutzrecht", PROTECTION),
    "SO_SchutzgebietWasserrecht": ("Schutzgebiet nach Wasserrecht", PROTECTION),
    "SO_SchutzgebietSonstigesRecht": ("Schutzgebiet nach sonstigem Recht", PROTECTION),
    "SO_Bodenschutzrecht": ("Bodenschutz", PROTECTION), "SO_Forstrecht": ("Forstrecht", GREEN_WATER),
    "SO_Strassenverkehr": ("Straßenverkehr", TRAFFIC), "SO_Strassenverkehrsrecht": ("Straßenverkehr", TRAFFIC),
    "SO_Schienenverkehr": ("Schienenverkehr", TRAFFIC), "SO_Schienenverkehrsrecht": ("Schienenverkehr", TRAFFIC),
    "SO_Luftverkehr": ("Luftverkehr", TRAFFIC), "SO_Luftverkehrsrecht": ("Luftverkehr", TRAFFIC),
    "SO_Gewaesser": ("Gewässer", GREEN_WATER), "SO_Wasserrecht": ("Wasserrecht", GREEN_WATER),
    "SO_Wasserwirtschaft": ("Wasserwirtschaft", GREEN_WATER),
    "SO_Baubeschraenkung": ("Baubeschränkung", OTHER), "SO_SonstigesRecht": ("Sonstiges Recht", OTHER),
    "SO_Grenze": ("Grenze", OTHER), "SO_Gelaendemorphologie": ("Geländemorphologie", OTHER),
    "SO_Sichtflaeche": ("Sichtfläche", TRAFFIC),
    "LP_SchutzBestimmterTeileVonNaturUndLandschaft": ("Schutz bestimmter Teile von Natur und Landschaft", PROTECTION),
}

#: Presentation objects place labels and symbols on the drawn plan; they hold no rules and are not layers.
PRESENTATION_OBJECTS = frozenset({
    "XP_Praesentationsobjekt", "XP_AbstraktesPraesentationsobjekt", "XP_PPO", "XP_PTO", "XP_LPO", "XP_LTO",
    "XP_FPO", "XP_TPO", "XP_Nutzungsschablone", "BP_Nutzungsschablone",
})
_CLASSES.update({
    "XP_Praesentationsobjekt": ("Präsentationsobjekt", OTHER),
    "XP_AbstraktesPraesentationsobjekt": ("Präsentationsobjekt", OTHER),
    "XP_PPO": ("Symbol", OTHER), "XP_PTO": ("Beschriftung", OTHER), "XP_LPO": ("Liniensymbol", OTHER),
    "XP_LTO": ("Beschriftung entlang einer Linie", OTHER), "XP_FPO": ("Flächensymbol", OTHER),
    "XP_TPO": ("Beschriftung", OTHER), "XP_Nutzungsschablone": ("Nutzungsschablone", OTHER),
    "BP_Nutzungsschablone": ("Nutzungsschablone", OTHER),
})

CLASS_LABELS: dict[str, str] = {name: label for name, (label, _group) in _CLASSES.items()}
GROUPS: dict[str, str] = {name: group for name, (_label, group) in _CLASSES.items()}

#: Classes whose main rule is the Art der baulichen Nutzung.
BUILDING_USE_CLASSES = frozenset({"BP_BaugebietsTeilFlaeche", "BP_BesondererNutzungszweckFlaeche",
                                  "FP_BebauungsFlaeche"})
