"""Configuration from the environment, and refusing unsafe production settings."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from participation import config
from participation.app import create_app

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_is_documented_in_env_example():
    source = (ROOT / "participation" / "config.py").read_text()
    used = set(re.findall(r'(?:_get|_bool)\(\s*"([A-Z_]+)"', source))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert used - documented == set(), "undocumented variables"
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "MAIL_SERVER", "BASEMAP_URL", "UPLOAD_FOLDER", "TIME_ZONE"} <= used


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@127.0.0.1/x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("UPLOAD_FOLDER", str(tmp_path / "up"))
    monkeypatch.setenv("TIME_ZONE", "Europe/Vienna")
    settings = config.from_env()
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1/x"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:1/0"  # limits follow Redis by default
    assert settings["UPLOAD_FOLDER"] == str(tmp_path / "up")
    assert settings["TIME_ZONE"] == "Europe/Vienna"


@pytest.mark.parametrize("overrides, problem", [
    ({}, "SECRET_KEY"),
    ({"SECRET_KEY": "x" * 40}, "SESSION_COOKIE_SECURE"),
    ({"SECRET_KEY": "x" * 40, "SESSION_COOKIE_SECURE": True}, "BASE_URL"),
    ({"SECRET_KEY": "x" * 40, "SESSION_COOKIE_SECURE": True, "BASE_URL": "http://beteiligung.example.org"}, "BASE_URL"),
])
def test_production_refuses_unsafe_settings(tmp_path, overrides, problem):
    with pytest.raises(RuntimeError, match=problem):
        create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": config.DEV_SECRET_KEY,
                    **overrides})


def test_production_starts_with_safe_settings(tmp_path):
    app = create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40,
                      "SESSION_COOKIE_SECURE": True, "BASE_URL": "https://beteiligung.example.org"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
