"""Child of bench/city.py: import a parcel file with the app's importer and print, as JSON, the time and
the peak memory of this process and of the sandboxed child that reads the file.

Its imports are inside `main()`: the sandbox's child imports the parent's `__main__` (as every
multiprocessing child does), and so starts as lean as under gunicorn or the job worker, whose main
module is small — not with the whole bench loaded.

Usage: import_child.py '{"url": ..., "folder": ..., "path": ..., "slug": ..., "features": ...}'
"""
from __future__ import annotations


def main() -> None:
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from exports import reset_peak, rss_mb
    from layers_import import import_layer
    from participation.app import create_app
    from participation.extensions import db
    from participation.layers.models import Layer

    spec = json.loads(sys.argv[1])
    app = create_app({"SQLALCHEMY_DATABASE_URI": spec["url"], "INSTANCE_PATH": spec["folder"], "TESTING": True})
    before = rss_mb()
    reset = reset_peak()
    layer_id, seconds, reader = import_layer(app, Path(spec["path"]), spec["slug"])
    with app.app_context():
        stored = db.session.get(Layer, layer_id).current_version.feature_count
    assert stored == spec["features"], stored
    print(json.dumps({"layer": layer_id, "seconds": seconds, "peak": rss_mb("VmHWM"), "rss": before,
                      "reset": reset, "reader": reader}))


if __name__ == "__main__":
    main()
