"""geo/ is the framework-free core: it must never import the web shell or its libraries.

Every module below geo/ is read, sub-packages included, and every way of naming a module is resolved:
``import x``, ``from x import y``, relative imports (to the absolute name they stand for) and
``importlib.import_module("x")`` or ``__import__("x")`` with a literal name. Then all of geo is imported
in a fresh interpreter, which catches what reading cannot (a name built at run time).
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GEO = REPO / "geo"
FORBIDDEN = {"flask", "folium", "webmap", "werkzeug", "jinja2"}
GEO_MODULES = sorted(GEO.rglob("*.py"))


def module_name(path: Path) -> str:
    """Return the dotted name of the module at ``path`` (geo/a/b.py is geo.a.b, geo/a/__init__.py is geo.a)."""
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(path: Path) -> str:
    """Return the dotted name of the package the module at ``path`` is in (its own, for an __init__.py)."""
    return ".".join(path.relative_to(REPO).parent.parts)


def imported_modules(source: str, package: str) -> set[str]:
    """Return the absolute names of the modules that ``source``, a module of ``package``, imports."""
    package = package.split(".")
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.add(node.module)
                continue
            targets = [node.module] if node.module else [alias.name for alias in node.names]
            if node.level - 1 >= len(package):  # above the top package: Python refuses it, so do we
                found |= {"." * node.level + target for target in targets}
                continue
            base = package[: len(package) - (node.level - 1)]
            found |= {".".join([*base, target]) for target in targets}
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
            argument = node.args[0]
            found.add(argument.value if isinstance(argument, ast.Constant) else "<computed>")
    return found


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in {"__import__", "import_module"}
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def forbidden_imports(source: str, package: str) -> set[str]:
    """Return what ``source`` imports that geo must not: the web shell, its libraries, or a name not known."""
    imported = imported_modules(source, package)
    return {m for m in imported if m.split(".")[0] in FORBIDDEN or m.startswith(".") or m == "<computed>"}


def test_every_module_below_geo_is_checked():
    names = {module_name(path) for path in GEO_MODULES}
    assert "geo" in names and "geo.pipeline.build" in names
    assert all(name.startswith("geo") for name in names)


@pytest.mark.parametrize("path", GEO_MODULES, ids=lambda p: p.relative_to(GEO).as_posix())
def test_geo_module_does_not_import_web_code(path):
    assert forbidden_imports(path.read_text(encoding="utf-8"), package_of(path)) == set()


@pytest.mark.parametrize(
    ("source", "package", "caught"),
    [
        ("import flask", "geo", {"flask"}),
        ("from flask import Flask", "geo", {"flask"}),
        ("import webmap.api as api", "geo.sub", {"webmap.api"}),
        ("def f():\n    from webmap import create_app", "geo.sub.deeper", {"webmap"}),
        ("from .. import webmap", "geo", {"..webmap"}),  # above geo, where the web shell's package is
        ("from ...webmap import api", "geo.sub", {"...webmap"}),
        ("from .. import webmap", "geo.sub", set()),  # geo.webmap: a module of geo, allowed
        ("import importlib\nimportlib.import_module('webmap.pages')", "geo", {"webmap.pages"}),
        ("from importlib import import_module\nimport_module('flask')", "geo", {"flask"}),
        ("__import__('jinja2')", "geo", {"jinja2"}),
        ("import importlib\nimportlib.import_module('web' + 'map')", "geo", {"<computed>"}),
        ("from . import text\nfrom .models import Layer\nimport shapely", "geo.sub", set()),
    ],
)
def test_the_check_catches_every_way_of_importing_the_web_shell(source, package, caught):
    assert forbidden_imports(source, package) == caught


def test_importing_all_of_geo_loads_no_web_code():
    program = (
        "import importlib, json, pkgutil, sys, geo\n"
        "for module in pkgutil.walk_packages(geo.__path__, 'geo.'):\n"
        "    importlib.import_module(module.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    completed = subprocess.run([sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, check=True)
    loaded = json.loads(completed.stdout)
    assert {module_name(path) for path in GEO_MODULES} <= set(loaded)
    assert [name for name in loaded if name.split(".")[0] in FORBIDDEN] == []
