"""flask backup create / restore: a round trip of database and uploads (runs on
the suite's database: SQLite, and PostgreSQL in the second leg)."""
from __future__ import annotations

import io
import tarfile
from pathlib import Path

from sqlalchemy import func, select

from participation.comments.models import Comment
from participation.extensions import db
from participation.municipalities import services as towns
from participation.municipalities.models import Municipality

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'


def test_round_trip(app, runner, tmp_path, create_project, create_user, create_comment):
    project = create_project()
    author = create_user()
    kept = create_comment(project, author, text="Before the backup")
    with app.app_context():
        towns.set_logo(db.session.get(Municipality, project.municipality_id), SVG)
        db.session.commit()
    archive = tmp_path / "b.tar.gz"
    result = runner.invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(n.startswith("uploads/logos/") for n in names)

    # Things change after the backup ...
    create_comment(project, author, text="After the backup")
    logo = Path(app.config["UPLOAD_FOLDER"]) / "logos" / f"{project.municipality.slug}.svg"
    logo.write_bytes(b"<svg>changed</svg>")
    with app.app_context():
        db.session.delete(db.session.get(Comment, kept.id))
        db.session.commit()

    # ... and the restore brings back the state of the backup.
    result = runner.invoke(args=["backup", "restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        texts = set(db.session.scalars(select(Comment.text)))
        assert texts == {"Before the backup"}
        assert db.session.scalar(select(func.count(Municipality.id))) == 1
    assert logo.read_bytes() == SVG


def test_restore_refuses_a_foreign_archive(app, runner, tmp_path):
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(bad, "w:gz") as tar:
        data = b'{"format": 1, "dialect": "oracle", "database": "x"}'
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    result = runner.invoke(args=["backup", "restore", str(bad), "--yes"])
    assert result.exit_code != 0
    assert "oracle" in result.output


def test_restore_refuses_path_traversal(app, runner, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("../../outside.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    result = runner.invoke(args=["backup", "restore", str(evil), "--yes"])
    assert result.exit_code != 0
    assert not (tmp_path.parent / "outside.txt").exists()
