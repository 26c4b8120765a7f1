"""What intake adds to the app: input received by letter, e-mail or at a workshop, entered by planners,
with its scans, and the likely duplicates among a subject's comments."""
from __future__ import annotations

from flask import Flask

from participation.intake.attachments import DEFAULT_MAX_BYTES
from participation.intake.views import bp


def init_app(app: Flask) -> None:
    #: A scanned letter or workshop notes (PDF, JPEG, PNG); personal data, for the town's planners only.
    app.config.setdefault("INTAKE_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)
    app.register_blueprint(bp)
