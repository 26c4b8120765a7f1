"""The import structure: every module imports on its own in any order, nothing is imported
inside a function to dodge a cycle, and packages import only what lies below them."""
from __future__ import annotations

import ast
import json
import random
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("participation", "geo")

#: package -> first-party packages it must never import (it lies below them).
BELOW = {
    "geo": ("participation",),
    "participation.jobs": ("participation.accounts", "participation.api", "participation.comments",
                           "participation.layers", "participation.maps", "participation.municipalities",
                           "participation.projects", "participation.statutes", "participation.addresses",
                           "participation.demo", "participation.loaders"),
    "participation.layers": ("participation.maps", "participation.projects", "participation.statutes",
                             "participation.addresses", "participation.comments", "participation.api",
                             "participation.demo"),
    "participation.maps": ("participation.projects", "participation.statutes", "participation.comments",
                           "participation.api", "participation.demo"),
    "participation.addresses": ("participation.statutes", "participation.projects", "participation.comments",
                                "participation.maps", "participation.api", "participation.demo"),
    "participation.statutes": ("participation.api", "participation.demo", "participation.admin"),
    "participation.admin": ("participation.api", "participation.comments", "participation.demo",
                            "participation.layers", "participation.maps", "participation.projects"),
    "participation.safe_http": ("participation.",),
    # The planners' work sits on top of comments: comments know none of it.
    "participation.comments": ("participation.moderation", "participation.weighing", "participation.intake",
                               "participation.notifications", "participation.exports", "participation.api",
                               "participation.demo"),
    "participation.notifications": ("participation.moderation", "participation.weighing", "participation.intake",
                                    "participation.api", "participation.demo"),
    "participation.moderation": ("participation.weighing", "participation.intake", "participation.exports",
                                 "participation.api", "participation.demo"),
    # Exports read everything the planners' work made; nothing below them knows they exist.
    "participation.weighing": ("participation.exports", "participation.api", "participation.demo"),
    # Surveys use the exports' files and jobs; exports know surveys only through the writer surveys register.
    "participation.exports": ("participation.surveys", "participation.api", "participation.demo"),
    "participation.surveys": ("participation.api", "participation.demo", "participation.moderation",
                              "participation.weighing", "participation.intake"),
    "participation.database": ("participation.accounts", "participation.comments", "participation.layers",
                               "participation.maps", "participation.projects", "participation.statutes",
                               "participation.addresses", "participation.jobs"),
}


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _imports(path: Path) -> list[tuple[ast.AST, str, bool]]:
    """(node, imported module, inside a function?) for every import statement of a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend((child, alias.name, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.extend((child, f"{child.module}.{alias.name}", in_function) for alias in child.names)
            visit(child, inside)
    visit(tree, False)
    return found


def _first_party_files():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


#: Third-party packages the checking process loads once before it forks, so that each child pays
#: only for first-party modules; none of them imports first-party code.
_THIRD_PARTY = ("flask", "flask_babel", "flask_login", "flask_limiter", "flask_migrate", "flask_sqlalchemy",
                "flask_wtf", "wtforms", "sqlalchemy", "alembic", "geopandas", "shapely", "pyproj", "folium",
                "numpy", "pandas", "redis", "rq", "owslib", "markdown", "nh3", "mapbox_vector_tile", "click")

_CHECKER = """
import importlib, json, os, sys
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except ImportError:
        pass
failures = []
for order in json.loads(sys.argv[2]):
    pid = os.fork()
    if pid == 0:  # a child with no first-party module imported yet
        try:
            for name in order:
                importlib.import_module(name)
        except BaseException as error:
            sys.stderr.write(f"{order[0]} first, then {name}: {type(error).__name__}: {error}\\n")
            os._exit(1)
        os._exit(0)
    _pid, status = os.waitpid(pid, 0)
    if status:
        failures.append(order[0])
print(json.dumps(failures))
"""


def test_every_module_imports_first_and_in_several_orders():
    """Fresh processes (forked before any first-party import): each module imported first on its
    own, then all of them sorted, reversed and in three shuffled orders. A cycle breaks only when
    one of its modules is imported first, so every module gets that turn."""
    modules = _modules()
    orders = [[name] for name in modules] + [modules, modules[::-1]]
    for seed in (1, 2, 3):
        shuffled = modules[:]
        random.Random(seed).shuffle(shuffled)
        orders.append(shuffled)
    result = subprocess.run([sys.executable, "-c", _CHECKER, json.dumps(_THIRD_PARTY), json.dumps(orders)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [], result.stderr[-3000:]


def test_nothing_first_party_is_imported_inside_a_function():
    offenders = [f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"
                 for path in _first_party_files() for node, name, in_function in _imports(path)
                 if in_function and name.split(".")[0] in PACKAGES]
    assert not offenders, "\n".join(offenders)


def test_packages_import_only_what_lies_below_them():
    offenders = []
    for path in _first_party_files():
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for package, forbidden in BELOW.items():
            if module != package and not module.startswith(package + "."):
                continue
            for node, name, _inside in _imports(path):
                if any(name == f or name.startswith(f if f.endswith(".") else f + ".") for f in forbidden):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} ({package}) imports {name}")
    assert not offenders, "\n".join(offenders)


def test_geo_knows_nothing_of_flask():
    offenders = [f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"
                 for path in sorted((ROOT / "geo").rglob("*.py")) for node, name, _inside in _imports(path)
                 if name.split(".")[0] in ("flask", "flask_babel", "flask_sqlalchemy", "flask_login")]
    assert not offenders, "\n".join(offenders)
