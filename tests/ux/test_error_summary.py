"""Every form that fails shows an error summary at the top, linked to its fields (GOV.UK pattern)."""

import re

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_error_summary_on_failed_registration(client, partner_a):
    activiteit = factories.ActiviteitFactory(aanbod__partner=partner_a)
    url = reverse("activiteit_inschrijven", kwargs={"pk": activiteit.pk})

    response = client.post(url, {"naam": "", "email": "", "aantal_personen": "1"})

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<title>(Error|Fout): ", html)
    summary = html[html.index("data-error-summary") : html.index("</main>")]
    assert (
        'tabindex="-1"' in html[html.index('class="error-summary"') - 10 : html.index("data-error-summary")]
    )
    assert 'href="#id_naam"' in summary
    assert 'href="#id_email"' in summary
    # The summary is the first thing in <main>, before the form.
    assert html.index("data-error-summary") < html.index('<form method="post" class="form"')
    assert 'aria-invalid="true"' in html
    assert re.search(r'id="id_naam"[^>]*|aria-describedby="[^"]*id_naam_error', html)


def test_error_summary_absent_before_submit(client, partner_a):
    activiteit = factories.ActiviteitFactory(aanbod__partner=partner_a)

    response = client.get(reverse("activiteit_inschrijven", kwargs={"pk": activiteit.pk}))

    html = response.content.decode()
    assert "data-error-summary" not in html
    assert not re.search(r"<title>(Error|Fout):", html)


def test_error_summary_on_question_form(client):
    response = client.post(reverse("vraag_stellen"), {})

    html = response.content.decode()
    assert response.status_code in (200, 400)
    assert "data-error-summary" in html
    assert re.search(r"<title>(Error|Fout): ", html)


def test_error_summary_not_for_wegwijzer_filters(client):
    response = client.get(reverse("aanbod_list"), {"leeftijd": "200"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "data-error-summary" not in html
