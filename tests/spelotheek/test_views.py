"""The catalogue, the member's link and reservations, and the counter (tried by the outsider)."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from aanbod.spelotheek.models import Lid, Reservatie, Speelgoed, UitleenTelling, Uitlening
from tests import factories

pytestmark = pytest.mark.django_db


# --- The catalogue ----------------------------------------------------------------------------------


def test_catalogue_lists_lendable_items_only(client, speelgoed, partner_a):
    factories.SpeelgoedFactory(partner=partner_a, naam="Kapotte trein", status=Speelgoed.Status.IN_HERSTEL)
    response = client.get(reverse("spelotheek_list"))
    assert response.status_code == 200
    assert "Houten boerderijpuzzel" in response.text
    assert "Kapotte trein" not in response.text


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("q=boerderij", True),
        ("q=raket", False),
        ("leeftijd=3", True),
        ("leeftijd=9", False),
        ("leeftijd=0-3", True),
        ("leeftijd=6-12", False),
        ("categorie=puzzels", True),
        ("categorie=bewegen", False),
        ("beschikbaar=on", True),
        ("spelotheek=opvoedingswinkel-a", True),
    ],
)
def test_catalogue_filters(client, speelgoed, query, found):
    response = client.get(reverse("spelotheek_list") + "?" + query)
    assert response.status_code == 200
    assert ("Houten boerderijpuzzel" in response.text) is found


@pytest.mark.parametrize(
    "query", ["leeftijd=999", "categorie=nonsense", "page=abc", "spelotheek=%00", "q=" + "x" * 500]
)
def test_catalogue_ignores_bad_query_strings(client, speelgoed, query):
    assert client.get(reverse("spelotheek_list") + "?" + query).status_code == 200


def test_catalogue_empty_state(client, db):
    response = client.get(reverse("spelotheek_list") + "?q=niets")
    assert "We found nothing that fits all of this" in response.text


def test_catalogue_available_filter_hides_lent_items(client, speelgoed, lid):
    from aanbod.spelotheek import services

    services.uitlening_create(speelgoed=speelgoed, lid=lid)
    response = client.get(reverse("spelotheek_list") + "?beschikbaar=on")
    assert "Houten boerderijpuzzel" not in response.text
    response = client.get(reverse("spelotheek_list"))
    assert "Back around" in response.text


def test_catalogue_query_count_does_not_grow(client, partner_a, django_assert_max_num_queries):
    factories.SpeelgoedFactory.create_batch(3, partner=partner_a)
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("spelotheek_list"))
    factories.SpeelgoedFactory.create_batch(20, partner=partner_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("spelotheek_list"))


def test_detail_shows_item_with_jsonld(client, speelgoed):
    response = client.get(speelgoed.get_absolute_url())
    assert response.status_code == 200
    assert '"@type": "Product"' in response.text
    assert "12" in response.text  # pieces


def test_detail_of_item_in_repair_is_404(client, speelgoed):
    Speelgoed.objects.filter(pk=speelgoed.pk).update(status=Speelgoed.Status.IN_HERSTEL)
    assert client.get(speelgoed.get_absolute_url()).status_code == 404


# --- Members and reservations ----------------------------------------------------------------------


def sign_in(client, speelgoed, lidnummer="101"):
    """Ask for the link with the member number, follow the mailed link: returns the final response."""
    from django.test import TestCase

    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("spelotheek_reserveren", args=[speelgoed.pk]), {"lidnummer": lidnummer}
        )
    assert response.status_code == 200
    assert "Check your mailbox" in response.text
    if not mail.outbox:
        return None
    url = re.search(r"https?://\S+/spelotheek/lid/\S+/", mail.outbox[0].body).group(0)
    return client.get(urlsplit(url).path, follow=True)


def test_family_reserves_with_member_number_and_mailed_link(client, speelgoed, lid):
    response = sign_in(client, speelgoed)
    assert response.status_code == 200
    assert "Signed in as Gezin Peeters" in response.text
    response = client.post(reverse("spelotheek_reserveren", args=[speelgoed.pk]), follow=True)
    assert "Reserved." in response.text
    assert Reservatie.objects.get().status == Reservatie.Status.KLAAR
    assert "Houten boerderijpuzzel" in client.get(reverse("spelotheek_mijn")).text


def test_unknown_member_number_gets_the_same_page_and_no_mail(client, speelgoed, lid):
    assert sign_in(client, speelgoed, lidnummer="999") is None


def test_member_link_token_invalid(client, db):
    response = client.get(reverse("spelotheek_lid_link", args=["nonsense"]))
    assert response.status_code == 404


def test_member_of_other_spelotheek_cannot_reserve_here(client, speelgoed, partner_b):
    factories.LidFactory(partner=partner_b, lidnummer="101", email="ander@example.org")
    assert sign_in(client, speelgoed) is None  # the number belongs to partner B's member, not this one


def test_mijn_without_session_is_403(client, db):
    assert client.get(reverse("spelotheek_mijn")).status_code == 403


def test_member_cancels_reservation(client, speelgoed, lid):
    sign_in(client, speelgoed)
    client.post(reverse("spelotheek_reserveren", args=[speelgoed.pk]))
    reservatie = Reservatie.objects.get()
    client.post(reverse("spelotheek_reservatie_annuleren", args=[reservatie.pk]))
    reservatie.refresh_from_db()
    assert reservatie.status == Reservatie.Status.GEANNULEERD


def test_member_cannot_cancel_someone_elses_reservation(client, speelgoed, lid, lid2):
    from aanbod.spelotheek import services

    andere = services.reservatie_create(speelgoed=speelgoed, lid=lid2)
    sign_in(client, speelgoed)
    response = client.post(reverse("spelotheek_reservatie_annuleren", args=[andere.pk]))
    assert response.status_code == 404


# --- The counter ------------------------------------------------------------------------------------


def balie(name, partner, *args):
    return reverse(name, kwargs={"slug": partner.slug, **({"pk": args[0]} if args else {})})


def test_counter_lends_by_member_number_and_code(client, bob, partner_a, speelgoed, lid):
    client.force_login(bob)
    response = client.post(
        balie("balie_uitlenen", partner_a), {"lidnummer": "101", "code": "puz-001"}, follow=True
    )
    assert response.status_code == 200
    assert "Lent: Houten boerderijpuzzel to Gezin Peeters" in response.text
    assert Uitlening.objects.get().lid == lid


def test_counter_lends_by_scanned_label_url(client, bob, partner_a, speelgoed, lid):
    client.force_login(bob)
    url = "https://example.org" + speelgoed.get_absolute_url()
    client.post(balie("balie_uitlenen", partner_a), {"lidnummer": "101", "code": url})
    assert Uitlening.objects.filter(speelgoed=speelgoed).exists()


def test_counter_shows_error_for_item_already_lent(client, bob, partner_a, speelgoed, lid, lid2):
    client.force_login(bob)
    client.post(balie("balie_uitlenen", partner_a), {"lidnummer": "101", "code": "PUZ-001"})
    response = client.post(balie("balie_uitlenen", partner_a), {"lidnummer": "102", "code": "PUZ-001"})
    assert response.status_code == 200
    assert "This item is already lent out." in response.text
    assert Uitlening.objects.count() == 1


def test_counter_return_with_pieces_check(client, bob, partner_a, speelgoed, lid):
    client.force_login(bob)
    client.post(balie("balie_uitlenen", partner_a), {"lidnummer": "101", "code": "PUZ-001"})
    response = client.get(balie("balie_terugbrengen_zoeken", partner_a) + "?code=PUZ-001")
    uitlening = Uitlening.objects.get()
    assert response.url == balie("balie_terugbrengen", partner_a, uitlening.pk)
    page = client.get(response.url)
    assert "there should be 12" in page.text
    response = client.post(response.url, {"controle": "beschadigd", "opmerking": "nat geworden"})
    assert response.status_code == 302
    speelgoed.refresh_from_db()
    assert speelgoed.status == Speelgoed.Status.IN_HERSTEL
    assert UitleenTelling.objects.count() == 1
    client.post(balie("balie_hersteld", partner_a, speelgoed.pk))
    speelgoed.refresh_from_db()
    assert speelgoed.status == Speelgoed.Status.BESCHIKBAAR


def test_counter_return_missing_pieces_needs_a_number(client, bob, partner_a, speelgoed, lid):
    from aanbod.spelotheek import services

    uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    client.force_login(bob)
    response = client.post(balie("balie_terugbrengen", partner_a, uitlening.pk), {"controle": "ontbreken"})
    assert response.status_code == 200
    assert "Say how many pieces are missing." in response.text


def test_counter_member_create_renew_and_payment(client, alice, partner_a, speelgoed):
    client.force_login(alice)
    response = client.post(
        balie("balie_lid_nieuw", partner_a),
        {"naam": "Gezin Claes", "telefoon": "0470000000", "bijdrage": "5"},
    )
    lid = Lid.objects.get()
    assert response.url == balie("balie_lid", partner_a, lid.pk)
    client.post(balie("balie_uitlenen", partner_a), {"lidnummer": lid.lidnummer, "code": "PUZ-001"})
    uitlening = Uitlening.objects.get()
    client.post(balie("balie_verlengen", partner_a, uitlening.pk))
    uitlening.refresh_from_db()
    assert uitlening.verlengingen == 1
    client.post(balie("balie_lid", partner_a, lid.pk), {"bedrag": "0", "kansentarief": "on"})
    lid.refresh_from_db()
    assert lid.kansentarief and lid.betalingen.count() == 2
    assert "Gezin Claes" in client.get(balie("balie_leden", partner_a) + "?q=claes").text


def test_counter_labels_have_qr_codes(client, bob, partner_a, speelgoed):
    client.force_login(bob)
    response = client.get(balie("balie_labels", partner_a))
    assert response.status_code == 200
    assert "data:image/svg+xml" in response.text
    assert "PUZ-001" in response.text


def test_counter_anonymous_goes_to_login(client, partner_a):
    response = client.get(balie("balie", partner_a))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize(
    ("name", "method", "needs_pk"),
    [
        ("balie", "get", False),
        ("balie_uitlenen", "post", False),
        ("balie_terugbrengen_zoeken", "get", False),
        ("balie_leden", "get", False),
        ("balie_lid_nieuw", "get", False),
        ("balie_speelgoed", "get", False),
        ("balie_labels", "get", False),
        ("balie_lid", "get", True),
        ("balie_terugbrengen", "get", True),
        ("balie_verlengen", "post", True),
        ("balie_opvolging", "post", True),
        ("balie_hersteld", "post", True),
        ("balie_reservatie_annuleren", "post", True),
    ],
)
def test_counter_outsider_sees_nothing(client, charlie, partner_a, speelgoed, lid, name, method, needs_pk):
    from aanbod.spelotheek import services

    uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    reservatie = services.reservatie_create(speelgoed=factories.SpeelgoedFactory(partner=partner_a), lid=lid)
    pk = {
        "balie_lid": lid.pk,
        "balie_hersteld": speelgoed.pk,
        "balie_reservatie_annuleren": reservatie.pk,
    }.get(name, uitlening.pk)
    client.force_login(charlie)
    url = balie(name, partner_a, pk) if needs_pk else balie(name, partner_a)
    response = getattr(client, method)(url, {"lidnummer": "101", "code": "PUZ-001"})
    assert response.status_code == 404
    assert "Gezin Peeters" not in response.text


def test_counter_outsider_own_counter_cannot_reach_partner_a_rows(client, charlie, partner_b, speelgoed, lid):
    """Charlie at his own counter, with partner A's ids: the scope hides them."""
    from aanbod.spelotheek import services

    uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    client.force_login(charlie)
    assert client.get(balie("balie_lid", partner_b, lid.pk)).status_code == 404
    assert client.get(balie("balie_terugbrengen", partner_b, uitlening.pk)).status_code == 404
    assert client.post(balie("balie_verlengen", partner_b, uitlening.pk)).status_code == 404
    response = client.post(balie("balie_uitlenen", partner_b), {"lidnummer": "101", "code": "PUZ-001"})
    assert "No member with this number." in response.text
    page = client.get(balie("balie", partner_b))
    assert (
        "Gezin Peeters" not in page.text
        and "PUZ-001" not in client.get(balie("balie_speelgoed", partner_b)).text
    )


def test_counter_municipality_user_gets_no_access(client, dora, partner_a):
    client.force_login(dora)
    assert client.get(balie("balie", partner_a)).status_code == 403


@pytest.mark.parametrize("name", ["balie", "balie_leden", "balie_speelgoed", "balie_labels"])
def test_counter_lists_query_count_does_not_grow(client, bob, partner_a, name, django_assert_max_num_queries):
    from aanbod.spelotheek import services

    def grow(n):
        for _ in range(n):
            speelgoed = factories.SpeelgoedFactory(partner=partner_a)
            lid = factories.LidFactory(partner=partner_a)
            uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
            Uitlening.objects.filter(pk=uitlening.pk).update(terug_op="2020-01-01")
            services.reservatie_create(speelgoed=factories.SpeelgoedFactory(partner=partner_a), lid=lid)

    client.force_login(bob)
    grow(2)
    with django_assert_max_num_queries(30) as small:
        assert client.get(balie(name, partner_a)).status_code == 200
    grow(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(balie(name, partner_a))


def test_asking_for_member_links_is_rate_limited(client, speelgoed, lid):
    url = reverse("spelotheek_reserveren", args=[speelgoed.pk])
    codes = [client.post(url, {"lidnummer": "999"}).status_code for _ in range(12)]
    assert codes[:10] == [200] * 10
    assert codes[-1] == 429


def test_member_renews_own_loan_online_but_not_anothers(client, speelgoed, lid, lid2, partner_a):
    from aanbod.spelotheek import services

    eigen = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    andere = services.uitlening_create(speelgoed=factories.SpeelgoedFactory(partner=partner_a), lid=lid2)
    sign_in(client, factories.SpeelgoedFactory(partner=partner_a))
    assert "Renew" in client.get(reverse("spelotheek_mijn")).text
    response = client.post(reverse("spelotheek_verlengen", args=[eigen.pk]), follow=True)
    assert "Renewed until" in response.text
    eigen.refresh_from_db()
    assert eigen.verlengingen == 1
    assert client.post(reverse("spelotheek_verlengen", args=[andere.pk])).status_code == 404


def test_counter_cancels_a_reservation(client, bob, partner_a, speelgoed, lid):
    from aanbod.spelotheek import services

    reservatie = services.reservatie_create(speelgoed=speelgoed, lid=lid)
    client.force_login(bob)
    response = client.post(balie("balie_reservatie_annuleren", partner_a, reservatie.pk))
    assert response.url == balie("balie_lid", partner_a, lid.pk)
    reservatie.refresh_from_db()
    assert reservatie.status == Reservatie.Status.GEANNULEERD
