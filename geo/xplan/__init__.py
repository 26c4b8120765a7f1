"""XPlanGML plans (Bebauungspläne, Flächennutzungspläne, Satzungen): read a plan into plain values.

Public API::

    from geo.xplan import read_plan
    plan = read_plan(Path("XPlanArchiv.zip"), workdir, Limits())
    plan.area, plan.object_classes, plan.texts, plan.references, plan.rasters

Versions 4.1, 5.0–5.4 and 6.0 are read; geometries come back in EPSG:4326.
No Flask here: errors are `geo.errors.GeoInputError` and warnings
`XPlanWarning`, both with English msgids the web app translates.
"""
from __future__ import annotations

from geo.xplan.model import (KINDS, LEGAL_STATUSES, PLAN_CLASSES, REFERENCE_KINDS, SUPPORTED_VERSIONS,
                             ExternalReference, PlanObjects, PlanText, Raster, XPlan, XPlanWarning)
from geo.xplan.reader import read_plan

__all__ = ["KINDS", "LEGAL_STATUSES", "PLAN_CLASSES", "REFERENCE_KINDS", "SUPPORTED_VERSIONS", "ExternalReference",
           "PlanObjects", "PlanText", "Raster", "XPlan", "XPlanWarning", "read_plan"]
