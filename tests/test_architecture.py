"""The shape a newcomer relies on: no import circle between the application's modules (geo and webmap), and
every module (the application's, the tests', the benchmark's and the tools') under 400 lines.

Imports are read from the source (every ``import`` and ``from ... import``, in function bodies too, but not
those under ``if TYPE_CHECKING``), so a circle hidden behind a lazy import is still found.
"""

import ast
import graphlib
from pathlib import Path

import pytest

from tests.test_boundaries import imported_modules, module_name

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("geo", "webmap")
MODULES = {module_name(path): path for package in PACKAGES for path in sorted((REPO / package).rglob("*.py"))}
MAX_LINES = 400


def _without_type_checking(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = [ast.Pass()]
    return ast.unparse(tree)


def import_graph(modules: dict[str, Path], root: Path = REPO) -> dict[str, set[str]]:
    """Return, for each module, the application modules it imports.

    ``from a import b`` is an edge to ``a.b`` when that is a module, else to ``a``: importing a sub-module
    runs its package's ``__init__`` first, but that is Python's order of loading, not a dependency.
    """
    graph = {}
    for name, path in modules.items():
        package = ".".join(path.relative_to(root).parent.parts)
        tree = ast.parse(_without_type_checking(path.read_text(encoding="utf-8")))
        edges = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = node.module if node.level == 0 else imported_modules(ast.unparse(node), package)
                bases = [base] if isinstance(base, str) else sorted(base)
                for module in bases:
                    subs = {f"{module}.{a.name}" for a in node.names}
                    found = subs & modules.keys()
                    edges |= found or ({module} & modules.keys())
            elif isinstance(node, ast.Import):
                edges |= {a.name for a in node.names} & modules.keys()
        graph[name] = edges - {name}
    return graph


def test_no_module_of_the_application_imports_itself_round_a_circle():
    try:
        tuple(graphlib.TopologicalSorter(import_graph(MODULES)).static_order())
    except graphlib.CycleError as exc:
        pytest.fail(f"import circle: {' → '.join(exc.args[1])}")


def test_the_circle_check_finds_a_lazy_circle(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("from pkg.b import x\n")
    (tmp_path / "pkg" / "b.py").write_text("def x():\n    from pkg import a\n")
    modules = {"pkg.a": tmp_path / "pkg" / "a.py", "pkg.b": tmp_path / "pkg" / "b.py"}
    graph = import_graph(modules, root=tmp_path)
    assert graph == {"pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}}
    with pytest.raises(graphlib.CycleError):
        tuple(graphlib.TopologicalSorter(graph).static_order())


FOLDERS = (*PACKAGES, "tests", "bench", "tools")
EVERY_MODULE = sorted(p for folder in FOLDERS for p in (REPO / folder).rglob("*.py") if "node_modules" not in p.parts)


@pytest.mark.parametrize("path", EVERY_MODULE, ids=lambda path: str(path.relative_to(REPO)))
def test_every_module_is_under_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines < MAX_LINES, f"{path.relative_to(REPO)} has {lines} lines: split it by concern"
