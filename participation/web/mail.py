"""Outgoing mail: SMTP when configured, otherwise files in ``instance/mail/``."""
from __future__ import annotations

import smtplib
import uuid
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

from participation import config as settings


def external_url(endpoint: str, **values) -> str:
    """An absolute link for a mail, built from BASE_URL: never from the request's Host or
    X-Forwarded-Host, which a visitor chooses (a reset link to their own server)."""
    base = urlsplit(settings.base_url(current_app.config))
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def build_message(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> EmailMessage:
    """A plain-text mail; `headers` adds fields such as List-Unsubscribe (names and values without line breaks)."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    message["Message-ID"] = make_msgid(domain="beteiligungspool")
    for name, value in (headers or {}).items():
        if "\n" in name + value or "\r" in name + value:
            raise ValueError("a mail header must be one line")
        message[name] = value
    message.set_content(body)
    return message


def send_mail(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """Send a plain-text mail; logs the subject only, neither the recipient nor the text."""
    message = build_message(to, subject, body, headers)
    config = current_app.config
    if config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_STARTTLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        current_app.logger.info("Mail %r sent by SMTP", subject)
        return
    folder = Path(current_app.instance_path) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    current_app.logger.info("Mail %r written to %s", subject, path)
