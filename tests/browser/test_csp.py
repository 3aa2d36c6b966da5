"""Every public page loads under the enforced Content-Security-Policy without a single violation."""

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(
    e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber
  );
});
"""


def test_public_pages_have_no_csp_violations(live_server, page):
    aanbod = factories.AanbodFactory(titel="Babymassage", samenvatting="Samen ontspannen met je baby.")
    activiteit = factories.ActiviteitFactory(aanbod=aanbod)
    urls = [
        "/",
        "/aanbod/",
        "/aanbod/?q=baby&leeftijd=0-3",
        f"/aanbod/{aanbod.slug}/",
        "/agenda/",
        "/agenda/afdruk/",
        "/partners/",
        f"/partners/{aanbod.partner.slug}/",
        f"/activiteiten/{activiteit.pk}/inschrijven/",
        "/vraag/",
        "/vraag/antwoord/",
        "/privacy/",
        "/en/",
        "/fr/aanbod/",
        "/accounts/login/",
        "/does-not-exist/",
    ]
    page.add_init_script(WATCH_CSP)
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response is not None
        assert "content-security-policy" in response.headers
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__csp")
        assert violations == [], f"{url}: {violations}"
    csp_console = [text for text in console_errors if "Content Security Policy" in text]
    assert csp_console == []
