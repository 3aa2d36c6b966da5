"""One direction of dependency: partners <- aanbod <- vragen. From the project package an app imports
only its shared core, `huisvanhetkind.lib`, and the core imports no app."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["partners", "aanbod", "vragen"]
LIB = ROOT / "huisvanhetkind" / "lib"


def imported_modules(path: Path) -> set[str]:
    """The absolute module names a file imports (`from a.b import c` gives `a.b` and `a.b.c`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def top_level(name: str) -> str:
    return name.split(".")[0]


def in_lib(name: str) -> bool:
    return name == "huisvanhetkind.lib" or name.startswith("huisvanhetkind.lib.")


@pytest.mark.parametrize("app", ORDER)
def test_an_app_imports_only_apps_to_its_left(app):
    forbidden = set(ORDER[ORDER.index(app) + 1 :])
    offenders = {
        str(path.relative_to(ROOT)): sorted(bad)
        for path in (ROOT / app).rglob("*.py")
        if (bad := {name for name in imported_modules(path) if top_level(name) in forbidden})
    }
    assert offenders == {}


@pytest.mark.parametrize("app", ORDER)
def test_an_app_imports_only_lib_from_the_project_package(app):
    offenders = {
        str(path.relative_to(ROOT)): sorted(bad)
        for path in (ROOT / app).rglob("*.py")
        if (
            bad := {
                name
                for name in imported_modules(path)
                # `from huisvanhetkind import lib` lists the package itself too: that alone is no import
                if top_level(name) == "huisvanhetkind" and name != "huisvanhetkind" and not in_lib(name)
            }
        )
    }
    assert offenders == {}


def test_lib_imports_no_app():
    offenders = {
        str(path.relative_to(ROOT)): sorted(bad)
        for path in LIB.rglob("*.py")
        if (bad := {name for name in imported_modules(path) if top_level(name) in ORDER})
    }
    assert offenders == {}


def test_lib_imports_nothing_else_of_the_project_package():
    offenders = {
        str(path.relative_to(ROOT)): sorted(bad)
        for path in LIB.rglob("*.py")
        if (
            bad := {
                name
                for name in imported_modules(path)
                if top_level(name) == "huisvanhetkind" and not in_lib(name)
            }
        )
    }
    assert offenders == {}
