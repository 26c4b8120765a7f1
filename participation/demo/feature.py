"""What the demo adds to the app: ``flask demo load``."""
from __future__ import annotations

from flask import Flask

from participation.demo.cli import demo


def init_app(app: Flask) -> None:
    app.cli.add_command(demo)
