"""The map's comments as tiles: clusters from the cluster index where many, pins where few, with
addresses that name the data's version so that a shared cache may keep them."""
from __future__ import annotations

import pytest
from shapely.geometry import Point
from sqlalchemy import event, insert

from geo.vector_tiles import tile_bounds_lonlat, tile_for_lonlat
from participation.accounts.models import Role
from participation.api.comment_tiles import SPARSE
from participation.comments import services, tallies
from participation.comments.models import Comment
from participation.extensions import db
from participation.projects.models import Project
from tests.conftest import INSIDE


def tile_url(project, z, lon=INSIDE.x, lat=INSIDE.y, **args):
    x, y = tile_for_lonlat(lon, lat, z)
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/api/v1/projects/{project.id}/comments/tiles/{z}/{x}/{y}.json" + (f"?{query}" if query else "")


def _bulk(app, project, author, count, category_id=None):
    """`count` published comments in a 100 m square around INSIDE, written around the ORM and counted again."""
    with app.app_context():
        rows = []
        for n in range(count):
            lon, lat = INSIDE.x + (n % 40) * 2.5e-5, INSIDE.y + (n // 40 % 40) * 2.5e-5
            rows.append({"project_id": project.id, "author_id": author.id, "text": f"Comment {n}",
                         "category_id": category_id if category_id is not None else project.categories[n % 2].id,
                         "location": Point(lon, lat), "min_x": lon, "max_x": lon, "min_y": lat, "max_y": lat})
        db.session.execute(insert(Comment), rows)
        tallies.recount(db.session)
        db.session.commit()


def test_few_comments_come_as_pins_with_a_versioned_address_kept_for_a_year(client, create_project, create_user,
                                                                             create_comment):
    project = create_project()
    author = create_user()
    first = create_comment(project, author, text="Bank")
    create_comment(project, author, location=Point(INSIDE.x + 0.0004, INSIDE.y))
    version = client.get(f"/api/v1/projects/{project.id}/comments/version")
    assert version.headers["Cache-Control"] == "public, max-age=10"
    v = version.get_json()["version"]
    response = client.get(tile_url(project, 13, v=v))
    data = response.get_json()
    assert data["numberMatched"] == 2 and {f["properties"]["id"] for f in data["features"]} >= {first.id}
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["ETag"]
    unversioned = client.get(tile_url(project, 13))
    assert unversioned.headers["Cache-Control"] == "public, max-age=10"
    assert unversioned.get_data() == response.get_data()


def test_a_public_tile_is_the_same_for_everyone_so_no_vary_on_the_cookie(client, login, create_project,
                                                                         create_user, create_comment):
    project = create_project()
    create_comment(project, create_user())
    anonymous = client.get(tile_url(project, 14))
    login(create_user())
    signed_in = client.get(tile_url(project, 14))
    assert signed_in.get_data() == anonymous.get_data()
    for response in (anonymous, signed_in):
        assert "cookie" not in response.headers.get("Vary", "").lower() and "Set-Cookie" not in response.headers


def test_a_new_comment_moves_the_version_on_and_is_in_the_new_tile(app, client, create_project, create_user,
                                                                    create_comment):
    project = create_project()
    author = create_user()
    create_comment(project, author)
    v = client.get(f"/api/v1/projects/{project.id}/comments/version").get_json()["version"]
    with app.app_context():
        services.create_comment(db.session.get(Project, project.id), author,
                                services.CommentDraft("New", None, INSIDE, None))
        db.session.commit()
    new = client.get(f"/api/v1/projects/{project.id}/comments/version").get_json()["version"]
    assert new != v
    old = client.get(tile_url(project, 15, v=v))
    assert old.headers["Cache-Control"] == "public, max-age=10"  # no longer the current data's address
    assert old.get_json()["numberMatched"] == 2
    assert client.get(tile_url(project, 15, v=new)).headers["Cache-Control"].endswith("immutable")


def test_many_comments_come_as_clusters_counted_from_the_index(app, client, create_project, create_user):
    project = create_project()
    _bulk(app, project, create_user(), 3 * SPARSE)
    z = 12
    data = client.get(tile_url(project, z)).get_json()
    assert data["numberMatched"] == 3 * SPARSE
    assert all(f["properties"]["cluster"] for f in data["features"])
    assert sum(f["properties"]["count"] for f in data["features"]) == 3 * SPARSE
    x, y = tile_for_lonlat(INSIDE.x, INSIDE.y, z)
    bounds = tile_bounds_lonlat(z, x, y)
    for feature in data["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert bounds.west <= lon <= bounds.east and bounds.south <= lat <= bounds.north
        cz, cx, cy = feature["properties"]["cell"]
        assert cz == z + 2 and cx // 4 == x and cy // 4 == y
    one_category = client.get(tile_url(project, z, category=project.categories[0].id)).get_json()
    assert sum(f["properties"]["count"] for f in one_category["features"]) == 3 * SPARSE // 2
    street = client.get(tile_url(project, 17)).get_json()
    assert street["features"] and not any(f["properties"].get("cluster") for f in street["features"])


def test_a_cluster_tile_takes_the_same_statements_for_300_and_3000_comments(app, client, create_project, create_user):
    project = create_project()
    author = create_user()

    def statements(url):
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    _bulk(app, project, author, 300)
    few = statements(tile_url(project, 11))
    _bulk(app, project, author, 2700)
    assert statements(tile_url(project, 11)) == few


def test_a_draft_projects_tiles_are_kept_by_no_shared_cache(app, client, login, create_project, create_user):
    project = create_project(phase="draft")
    planner = create_user(Role.PLANNER, towns=[project.municipality])
    assert client.get(tile_url(project, 13)).status_code == 404
    login(planner)
    response = client.get(tile_url(project, 13))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize("path, status", [
    ("tiles/23/0/0.json", 404), ("tiles/3/8/0.json", 404), ("tiles/21/0/0.json", 404),
    ("tiles/3/1/1.json?category=x", 400), ("tiles/3/1/1.json?category=0", 400),
])
def test_a_bad_tile_address_is_refused(client, create_project, path, status):
    project = create_project()
    assert client.get(f"/api/v1/projects/{project.id}/comments/{path}").status_code == status
