"""The warm-up gunicorn's master runs before forking its workers (huisvanhetkind/warmup.py)."""

from django.template import engines
from django.urls import get_resolver

from huisvanhetkind.warmup import project_template_names, warm_up


def test_the_project_templates_are_its_own_not_the_libraries():
    names = project_template_names()
    assert {"base.html", "vragen/vraag_stellen.html", "aanbod/wegwijzer/aanbod_list.html"} <= set(names)
    assert "django/forms/widgets/input.html" not in names  # Django's own
    assert "admin/change_list_results.html" not in names


def test_warm_up_compiles_every_project_template_without_touching_the_database():
    # No `db` fixture: a query would fail the test (and a connection opened in gunicorn's master
    # would be shared by all its workers).
    assert warm_up() == {"templates": len(project_template_names()), "failed": 0}
    assert set(get_resolver()._reverse_dict) >= {"nl-be", "en", "fr"}
    loader = engines["django"].engine.template_loaders[0]
    assert "base.html" in {key.split("-")[0] for key in loader.get_template_cache}
