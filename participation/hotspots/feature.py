"""What hot spots add to the app: the planners' list and map circles on a project's page."""
from __future__ import annotations

from flask import Flask

from participation.hotspots.queries import subject_hotspots


def init_app(app: Flask) -> None:
    app.add_template_global(subject_hotspots, "subject_hotspots")
