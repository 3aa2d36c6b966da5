"""Shared fixtures for browser tests: Playwright (Python) driving Debian's chromium, headless.

    @pytest.mark.browser
    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_something(live_server, page, axe):
        page.goto(live_server.url + "/aanbod/")
        assert axe(page) == []

Fixtures
- `browser`: one chromium per test module (launching is the slow part). Not per session: Playwright's
  sync API allows one instance per thread at a time, and a module may bring its own `browser`.
- `page`: a fresh browser context and page per test, at a phone's 390×844, JavaScript on; closed afterwards.
- `page_without_js`: the same with JavaScript off (every page must work without it).
- `axe`: `axe(page, tags=...)` runs axe-core on the page as it is now and returns its violations as a list
  of `{"id", "impact", "help", "nodes": [css selectors]}`; empty means none. axe-core comes from npm
  (`npm install --no-save axe-core@4`, as `.ci/run` does); without it the test skips (fails in CI).

Notes
- Use `transaction=True` so the live server (another thread) sees the test's rows, and
  `serialized_rollback=True` so the reference data the migrations load (gemeenten, themas, talen) is back
  for the next test after the flush that ends a transactional test.
- Playwright's sync API keeps an asyncio loop in this thread, which makes Django refuse ORM calls as
  "async unsafe"; the test thread is not serving requests, so that guard is switched off for these tests.
  The same loop makes Django use new connection objects; `browser` hands them the serialized data.
- Chromium is missing → skipped locally, failed with REQUIRE_SERVICES=1 (the shared `chromium_path`).
"""

import os
from pathlib import Path

import pytest

from tests.conftest import missing

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

VIEWPORT = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def browser(chromium_path, django_db_setup):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # While Playwright's loop runs in this thread, Django's connection handler (an asgiref Local) hands
    # out fresh connection objects; they must still know the serialized reference data, or
    # serialized_rollback has nothing to restore after the first transactional test.
    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, **options):
    context = browser.new_context(viewport=VIEWPORT, locale="nl-BE", timezone_id="Europe/Brussels", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    return context, page


@pytest.fixture
def page(browser):
    context, page = _page(browser)
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser):
    context, page = _page(browser, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        missing("needs axe-core: npm install --no-save axe-core@4")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source):
    """Run axe-core on the page as it is; returns the violations (an empty list when there are none).

    The script is evaluated through the DevTools protocol, which the page's Content-Security-Policy does
    not govern, so the strict CSP stays on while axe runs.
    """

    def run(page, tags: list[str] | None = None) -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        result = page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                return r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ')),
                }));
            }""",
            tags or WCAG_AA,
        )
        return result

    return run
