"""One direction of dependency: partners <- aanbod <- vragen, and no app imports the project package
other than its shared core, huisvanhetkind.lib."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["partners", "aanbod", "vragen"]


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    # The shared core may be imported by every app; any other part of the project package may not.
    return {name.split(".")[0] for name in names if not name.startswith("huisvanhetkind.lib")}


@pytest.mark.parametrize("app", ORDER)
def test_an_app_imports_only_apps_to_its_left(app):
    forbidden = {"huisvanhetkind", *ORDER[ORDER.index(app) + 1 :]}
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_top_levels(path) & forbidden)
        for path in (ROOT / app).rglob("*.py")
        if imported_top_levels(path) & forbidden
    }
    assert offenders == {}
