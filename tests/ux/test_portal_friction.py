"""Partner friction (issue 16, point 9): a date can be added from the activities list; the location says
when it is needed instead of "(optional)"."""

import pytest
from django.urls import reverse

from tests.partners.portal_helpers import client_for

pytest_plugins = ["tests.partners.portal_helpers"]
pytestmark = pytest.mark.django_db


def test_activities_list_offers_add_a_date(bob, aanbod_a):
    response = client_for(bob).get(reverse("portal_activiteit_list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("portal_activiteit_toevoegen") in html
    assert f'<option value="{aanbod_a.pk}">Slaapworkshop A</option>' in html


@pytest.mark.parametrize(
    ("soort", "name"), [("datum", "portal_activiteit_nieuw"), ("reeks", "portal_activiteit_reeks")]
)
def test_add_a_date_goes_to_the_form_of_the_aanbod(bob, aanbod_a, soort, name):
    response = client_for(bob).get(
        reverse("portal_activiteit_toevoegen"), {"aanbod": aanbod_a.pk, "soort": soort}
    )

    assert response.status_code == 302
    assert response.url == reverse(name, kwargs={"aanbod_pk": aanbod_a.pk})


def test_add_a_date_for_another_partners_aanbod_is_404(charlie, aanbod_a):
    response = client_for(charlie).get(reverse("portal_activiteit_toevoegen"), {"aanbod": aanbod_a.pk})

    assert response.status_code == 404


def test_add_a_date_outsider_does_not_see_the_aanbod(charlie, aanbod_a):
    html = client_for(charlie).get(reverse("portal_activiteit_list")).content.decode()

    assert "Slaapworkshop A" not in html


@pytest.mark.parametrize("value", ["", "abc", "1e9", "-1", "99999999999999999999999"])
def test_add_a_date_with_nonsense_goes_back_to_the_list(bob, value):
    response = client_for(bob).get(reverse("portal_activiteit_toevoegen"), {"aanbod": value})

    assert response.status_code == 302
    assert response.url == reverse("portal_activiteit_list")


def test_add_a_date_anonymous_must_log_in(client, aanbod_a):
    response = client.get(reverse("portal_activiteit_toevoegen"), {"aanbod": aanbod_a.pk})

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_location_is_not_marked_optional(bob, aanbod_a):
    for name in ("portal_activiteit_nieuw", "portal_activiteit_reeks"):
        html = client_for(bob).get(reverse(name, kwargs={"aanbod_pk": aanbod_a.pk})).content.decode()
        label = html[html.index('for="id_locatie"') : html.index("</label>", html.index('for="id_locatie"'))]
        assert "(optional)" not in label
        assert "Needed, unless the activity takes place online." in html
