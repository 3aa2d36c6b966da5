"""One direction of dependency: partners <- aanbod <- vragen, and no app imports the project package."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["partners", "aanbod", "vragen"]


def top_level(module: str) -> str:
    # The project's shared core is the one part of the project package that apps may import.
    return "huisvanhetkind.lib" if module.startswith("huisvanhetkind.lib") else module.split(".")[0]


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(top_level(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(top_level(node.module))
    return names


@pytest.mark.parametrize("app", ORDER)
def test_an_app_imports_only_apps_to_its_left(app):
    forbidden = {"huisvanhetkind", *ORDER[ORDER.index(app) + 1 :]}
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_top_levels(path) & forbidden)
        for path in (ROOT / app).rglob("*.py")
        if imported_top_levels(path) & forbidden
    }
    assert offenders == {}
