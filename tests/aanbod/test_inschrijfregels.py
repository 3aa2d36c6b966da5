"""The registration rules (aanbod/services/inschrijvingen/regels.py): priority for residents at its
boundaries in Europe/Brussels (across both daylight-saving changes), the postcode, the online
cancellation deadline and the child's age — for an activity and for a series."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from aanbod.models import Inschrijving
from aanbod.services import inschrijvingen
from partners.models import Gemeente, Netwerk
from tests import factories

pytestmark = pytest.mark.django_db

BRUSSEL = ZoneInfo("Europe/Brussels")
SECOND = dt.timedelta(seconds=1)
LOCHRISTI, GENT = "9080", "9000"


def brussel(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BRUSSEL)


@pytest.fixture(autouse=True)
def werkgebied():
    netwerk = Netwerk.load()
    netwerk.save()
    netwerk.werkgebied.set(Gemeente.objects.filter(naam__in=["Lochristi", "Lokeren"]))
    return netwerk


@pytest.fixture
def at(monkeypatch):
    """Set the clock: `at(moment)`."""

    def set_now(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))

    return set_now


def activiteit_op(start: dt.datetime, **rules):
    return factories.ActiviteitFactory(start=start, einde=start + dt.timedelta(hours=2), **rules)


def reeks_op(start: dt.datetime, **rules):
    reeks = factories.ReeksFactory(bijeenkomsten=0, **rules)
    for week in range(3):
        begin = start + dt.timedelta(weeks=week)
        factories.ActiviteitFactory(
            aanbod=reeks.aanbod,
            reeks=reeks,
            start=begin,
            einde=begin + dt.timedelta(hours=2),
            capaciteit=None,
        )
    return reeks


DOELEN = {"activiteit": activiteit_op, "reeks": reeks_op}


def register(doel, email: str, postcode: str = "", **extra):
    return inschrijvingen.inschrijving_create(
        activiteit=doel,
        naam="Ouder",
        email=email,
        aantal_personen=1,
        taal="nl-be",
        postcode=postcode,
        **extra,
    )[0]


def refusal(doel, email: str, postcode: str = "", **extra) -> str:
    with pytest.raises(ValidationError) as exc:
        register(doel, email, postcode, **extra)
    return exc.value.code


# --- Priority for residents at its boundaries, across a daylight-saving change -----------------------------

# (residents open, everyone opens): the last Sunday of March 2030 is the 31st, of October the 27th, so
# each window runs across a change of the clocks (a Friday 9:00 to a Monday 9:00 local time).
WINDOWS = {
    "march": (brussel(2030, 3, 29, 9, 0), brussel(2030, 4, 1, 9, 0)),
    "october": (brussel(2030, 10, 25, 9, 0), brussel(2030, 10, 28, 9, 0)),
}


@pytest.mark.parametrize("soort", DOELEN)
@pytest.mark.parametrize("window", WINDOWS)
def test_priority_window_boundaries_in_brussels_time(soort, window, at):
    inwoners, iedereen = WINDOWS[window]
    doel = DOELEN[soort](
        iedereen + dt.timedelta(days=30), inschrijven_inwoners_vanaf=inwoners, inschrijven_vanaf=iedereen
    )
    # The clocks change inside the window: 72 wall-clock hours are 71 (March) or 73 (October) real ones.
    assert iedereen.astimezone(dt.UTC) - inwoners.astimezone(dt.UTC) == dt.timedelta(
        hours=71 if window == "march" else 73
    )

    at(inwoners - SECOND)
    assert inschrijvingen.inschrijving_closed_reason(doel) == "nog_niet_open"
    assert refusal(doel, "vroeg@example.org", LOCHRISTI) == "gesloten"

    at(inwoners)
    assert inschrijvingen.inschrijving_closed_reason(doel) == ""
    assert inschrijvingen.inschrijven_alleen_inwoners(doel)
    assert register(doel, "inwoner1@example.org", LOCHRISTI).postcode == LOCHRISTI
    assert refusal(doel, "gent1@example.org", GENT) == "inwoners"
    assert refusal(doel, "geen@example.org", "") == "postcode"

    at(inwoners + SECOND)
    assert register(doel, "inwoner2@example.org", "9160").postcode == "9160"  # Lokeren
    assert refusal(doel, "gent2@example.org", GENT) == "inwoners"

    at(iedereen - SECOND)
    assert refusal(doel, "gent3@example.org", GENT) == "inwoners"

    at(iedereen)
    assert not inschrijvingen.inschrijven_alleen_inwoners(doel)
    assert register(doel, "gent4@example.org", GENT).postcode == GENT
    assert register(doel, "zonder@example.org", "").postcode == ""

    at(iedereen + SECOND)
    assert register(doel, "gent5@example.org", GENT).status == Inschrijving.Status.BEVESTIGD


def test_the_window_is_in_local_time_not_a_fixed_offset(at):
    """Everyone's opening on Monday 1 April 2030 9:00 in Brussels is 7:00 UTC (summer time), not 8:00."""
    inwoners, iedereen = WINDOWS["march"]
    activiteit = activiteit_op(
        brussel(2030, 5, 1, 19, 0), inschrijven_inwoners_vanaf=inwoners, inschrijven_vanaf=iedereen
    )
    at(dt.datetime(2030, 4, 1, 6, 59, 59, tzinfo=dt.UTC))
    assert inschrijvingen.inschrijven_alleen_inwoners(activiteit)
    at(dt.datetime(2030, 4, 1, 7, 0, 0, tzinfo=dt.UTC))
    assert not inschrijvingen.inschrijven_alleen_inwoners(activiteit)


@pytest.mark.parametrize("soort", DOELEN)
def test_one_opening_for_everyone_without_priority(soort, at):
    opent = brussel(2030, 10, 26, 9, 0)
    doel = DOELEN[soort](brussel(2030, 11, 20, 19, 0), inschrijven_vanaf=opent)
    at(opent - SECOND)
    assert refusal(doel, "a@example.org", LOCHRISTI) == "gesloten"
    at(opent)
    assert register(doel, "b@example.org", GENT).status == Inschrijving.Status.BEVESTIGD
    assert not inschrijvingen.inschrijven_alleen_inwoners(doel)


def test_without_a_chosen_werkgebied_every_flemish_postcode_is_a_resident(werkgebied, at):
    werkgebied.werkgebied.clear()
    inwoners, iedereen = WINDOWS["march"]
    activiteit = activiteit_op(
        brussel(2030, 5, 1, 19, 0), inschrijven_inwoners_vanaf=inwoners, inschrijven_vanaf=iedereen
    )
    at(inwoners)
    assert register(activiteit, "gent@example.org", GENT).postcode == GENT
    assert refusal(activiteit, "brussel@example.org", "1000") == "inwoners"


def test_postcode_must_be_a_known_belgian_postcode():
    activiteit = factories.ActiviteitFactory()
    for wrong in ("123", "12345", "abcd", "0999", "٩٠٨٠", "9999"):
        with pytest.raises(ValidationError) as exc:
            register(activiteit, f"x{len(wrong)}@example.org", wrong)
        assert exc.value.code == "postcode", wrong
    assert register(activiteit, "ok@example.org", " 9080 ").postcode == "9080"


# --- The pages say when registration opens for whom ----------------------------------------------------


def opening_text(doel) -> str:
    opening = inschrijvingen.inschrijven_opening(doel)
    with translation.override("nl-be"):
        return escape(
            f"Residents of {opening.gemeenten} can register from {opening.inwoners_label}, "
            f"everyone from {opening.iedereen_label}."
        )


@pytest.mark.parametrize("soort", DOELEN)
def test_pages_say_when_registration_opens_for_whom(soort, client, at):
    inwoners, iedereen = WINDOWS["march"]
    doel = DOELEN[soort](
        brussel(2030, 5, 1, 19, 0), inschrijven_inwoners_vanaf=inwoners, inschrijven_vanaf=iedereen
    )
    name = "reeks_inschrijven" if soort == "reeks" else "activiteit_inschrijven"
    at(inwoners - SECOND)
    expected = opening_text(doel)
    with translation.override("nl-be"):
        assert "vr 29 maart 9:00" in expected and "ma 1 april 9:00" in expected
        assert "Residents of Lochristi en Lokeren can" in expected  # Django's own "and"
    detail = client.get(doel.aanbod.get_absolute_url())
    assert expected in detail.content.decode()
    assert reverse(name, args=[doel.pk]) not in detail.content.decode()  # no button before it opens
    page = client.get(reverse(name, args=[doel.pk]))
    assert page.status_code == 200
    assert "Registration is not open yet." in page.content.decode()
    assert expected in page.content.decode()

    at(inwoners)
    detail = client.get(doel.aanbod.get_absolute_url())
    assert reverse(name, args=[doel.pk]) in detail.content.decode()
    assert expected in detail.content.decode()


def form_data(**changes):
    return {"naam": "Sara Peeters", "email": "sara@example.org", "aantal_personen": "1", **changes}


@pytest.mark.parametrize("soort", DOELEN)
def test_form_asks_the_postcode_during_the_residents_window(soort, client, at):
    inwoners, iedereen = WINDOWS["october"]
    doel = DOELEN[soort](
        brussel(2030, 11, 20, 19, 0), inschrijven_inwoners_vanaf=inwoners, inschrijven_vanaf=iedereen
    )
    url = reverse("reeks_inschrijven" if soort == "reeks" else "activiteit_inschrijven", args=[doel.pk])
    at(inwoners + dt.timedelta(hours=1))

    missing = client.post(url, form_data())
    assert missing.status_code == 200
    assert "enter your postcode." in missing.content.decode()
    assert 'value="Sara Peeters"' in missing.content.decode()  # nothing lost

    gent = client.post(url, form_data(postcode=GENT))
    assert gent.status_code == 200
    assert "Everyone else can register from" in gent.content.decode()
    assert 'value="sara@example.org"' in gent.content.decode()
    assert not Inschrijving.objects.exists()

    ok = client.post(url, form_data(postcode=LOCHRISTI))
    assert ok.status_code == 302
    assert Inschrijving.objects.get().postcode == LOCHRISTI


def test_postcode_is_optional_outside_a_window_and_says_why(client):
    activiteit = factories.ActiviteitFactory()
    url = reverse("activiteit_inschrijven", args=[activiteit.pk])
    page = client.get(url).content.decode()
    assert "Your postcode (optional)" in page
    assert "Only for figures on which gemeenten we reach. We use it for nothing else." in page
    assert "enter a postcode" not in page
    wrong = client.post(url, form_data(postcode="90800"))
    assert wrong.status_code == 200
    assert not Inschrijving.objects.exists()
    assert client.post(url, form_data()).status_code == 302
    assert client.post(url, form_data(email="b@example.org", postcode="9160")).status_code == 302
    assert sorted(Inschrijving.objects.values_list("postcode", flat=True)) == ["", "9160"]


def test_retention_keeps_the_postcode_and_erases_the_rest():
    einde = timezone.now() - dt.timedelta(days=31)
    activiteit = factories.ActiviteitFactory(start=einde - dt.timedelta(hours=2), einde=einde)
    inschrijving = factories.InschrijvingFactory(
        activiteit=activiteit,
        naam="Sara Peeters",
        email="sara@example.org",
        telefoon="0470 12 34 56",
        postcode="9080",
    )
    assert inschrijvingen.inschrijvingen_erase_expired() == 1
    inschrijving.refresh_from_db()
    assert (inschrijving.naam, inschrijving.email, inschrijving.telefoon) == ("", "", "")
    assert inschrijving.gewist_op is not None
    assert inschrijving.postcode == "9080"


# --- The online cancellation deadline ------------------------------------------------------------------


@pytest.fixture
def na_deadline(partner_a):
    """A confirmed registration whose online cancellation deadline passed an hour ago."""
    partner_a.telefoon = "09 355 12 34"
    partner_a.save()
    activiteit = factories.ActiviteitFactory(
        aanbod__partner=partner_a,
        aanbod__contact_telefoon="",
        annuleren_tot=timezone.now() - dt.timedelta(hours=1),
        capaciteit=1,
    )
    inschrijving = register(activiteit, "sara@example.org")
    return inschrijving


def test_manage_page_says_to_phone_after_the_deadline(client, na_deadline):
    page = client.get(na_deadline.get_absolute_url()).content.decode()
    assert "You could cancel or change online until" in page
    assert 'href="tel:093551234"' in page
    assert reverse("inschrijving_annuleren", kwargs={"token": na_deadline.token}) not in page
    assert "Change the number of persons" not in page


def test_manage_page_offers_to_cancel_before_the_deadline(client):
    activiteit = factories.ActiviteitFactory(annuleren_tot=timezone.now() + dt.timedelta(hours=1))
    inschrijving = register(activiteit, "sara@example.org")
    page = client.get(inschrijving.get_absolute_url()).content.decode()
    assert reverse("inschrijving_annuleren", kwargs={"token": inschrijving.token}) in page
    assert "You could cancel or change online until" not in page
    assert "You can cancel or change your registration online until" in page


def test_cancel_and_change_posts_after_the_deadline_are_refused_clearly(client, na_deadline):
    annuleren = reverse("inschrijving_annuleren", kwargs={"token": na_deadline.token})
    assert client.get(annuleren).status_code == 302
    response = client.post(annuleren, follow=True)
    assert response.status_code == 200
    assert "You can no longer change or cancel online since" in response.content.decode()
    response = client.post(na_deadline.get_absolute_url(), {"aantal_personen": "2"}, follow=True)
    assert response.status_code == 200
    assert "You can no longer change or cancel online since" in response.content.decode()
    na_deadline.refresh_from_db()
    assert (na_deadline.status, na_deadline.aantal_personen) == (Inschrijving.Status.BEVESTIGD, 1)


@pytest.mark.parametrize("soort", DOELEN)
def test_services_refuse_the_parent_after_the_deadline_but_not_the_partner(soort):
    start = timezone.now() + dt.timedelta(days=3)
    doel = DOELEN[soort](start, annuleren_tot=start - dt.timedelta(days=1))
    inschrijving = register(doel, "a@example.org")
    doel.annuleren_tot = timezone.now() - SECOND
    doel.save(update_fields=["annuleren_tot"])
    with pytest.raises(ValidationError) as exc:
        inschrijvingen.inschrijving_change(inschrijving=inschrijving, aantal_personen=2)
    assert exc.value.code == "annuleren_tot"
    with pytest.raises(ValidationError) as exc:
        inschrijvingen.inschrijving_cancel(inschrijving=inschrijving)
    assert exc.value.code == "annuleren_tot"
    changed = inschrijvingen.inschrijving_change(
        inschrijving=inschrijving, aantal_personen=2, namens_partner=True
    )
    assert changed.aantal_personen == 2
    cancelled = inschrijvingen.inschrijving_cancel(inschrijving=inschrijving, namens_partner=True)
    assert cancelled.status == Inschrijving.Status.GEANNULEERD


def test_the_waiting_list_may_still_be_left_after_the_deadline(na_deadline):
    wachtend = register(na_deadline.activiteit, "b@example.org")
    assert wachtend.status == Inschrijving.Status.WACHTLIJST
    assert inschrijvingen.inschrijving_cancel(inschrijving=wachtend).status == Inschrijving.Status.GEANNULEERD


# --- The child's age -----------------------------------------------------------------------------------


@pytest.mark.parametrize("soort", DOELEN)
def test_age_check_asks_the_age_and_refuses_one_outside_the_range(soort, client):
    doel = DOELEN[soort](timezone.now() + dt.timedelta(days=7), leeftijd_controleren=True)
    doel.aanbod.leeftijd_van, doel.aanbod.leeftijd_tot = 8, 12
    doel.aanbod.save()
    url = reverse("reeks_inschrijven" if soort == "reeks" else "activiteit_inschrijven", args=[doel.pk])
    assert "Your child&#x27;s age (in years)" in client.get(url).content.decode()
    for wrong in ("7", "13", "-1"):
        response = client.post(url, form_data(leeftijd=wrong))
        assert response.status_code == 200
        assert "This is for children from 8 to 12 years old." in response.content.decode()
    assert "Enter your child&#x27;s age in years." in client.post(url, form_data()).content.decode()
    assert not Inschrijving.objects.exists()
    assert client.post(url, form_data(leeftijd="12")).status_code == 302
    assert Inschrijving.objects.count() == 1
    # The service checks too (an API or a stale form): the age is needed, and not stored anywhere.
    assert refusal(doel, "b@example.org") == "leeftijd"
    assert refusal(doel, "c@example.org", leeftijd=13) == "leeftijd"
    assert register(doel, "d@example.org", leeftijd=8).status == Inschrijving.Status.BEVESTIGD


def test_no_age_question_without_the_check_or_without_an_age_range(client):
    zonder_check = factories.ActiviteitFactory()
    zonder_range = factories.ActiviteitFactory(
        leeftijd_controleren=True, aanbod__leeftijd_van=None, aanbod__leeftijd_tot=None
    )
    for activiteit in (zonder_check, zonder_range):
        page = client.get(reverse("activiteit_inschrijven", args=[activiteit.pk])).content.decode()
        assert "Your child&#x27;s age" not in page
        assert register(activiteit, "a@example.org").status == Inschrijving.Status.BEVESTIGD


# --- Setting the rules ---------------------------------------------------------------------------------


def validate(aanbod=None, **values):
    defaults = {
        "aanbod": aanbod or factories.AanbodFactory(),
        "inschrijven_inwoners_vanaf": None,
        "inschrijven_vanaf": None,
        "annuleren_tot": None,
        "leeftijd_controleren": False,
        "sluit_op": brussel(2030, 5, 1, 19, 0),
        "laatste_start": brussel(2030, 5, 1, 19, 0),
    }
    try:
        inschrijvingen.inschrijfregels_validate(**{**defaults, **values})
    except ValidationError as exc:
        return set(exc.error_dict)
    return set()


def test_validate_rules():
    inwoners, iedereen = WINDOWS["march"]
    assert validate(inschrijven_inwoners_vanaf=inwoners, inschrijven_vanaf=iedereen) == set()
    assert validate(inschrijven_inwoners_vanaf=inwoners) == {"inschrijven_vanaf"}
    assert validate(inschrijven_inwoners_vanaf=iedereen, inschrijven_vanaf=iedereen) == {
        "inschrijven_inwoners_vanaf"
    }
    assert validate(inschrijven_inwoners_vanaf=iedereen, inschrijven_vanaf=inwoners) == {
        "inschrijven_inwoners_vanaf"
    }
    assert validate(inschrijven_vanaf=brussel(2030, 5, 1, 19, 0)) == {"inschrijven_vanaf"}
    assert validate(inschrijven_vanaf=iedereen, sluit_op=iedereen - SECOND) == {"inschrijven_vanaf"}
    assert validate(annuleren_tot=brussel(2030, 5, 1, 19, 0)) == set()
    assert validate(annuleren_tot=brussel(2030, 5, 1, 19, 0) + SECOND) == {"annuleren_tot"}
    assert validate(inschrijven_vanaf=iedereen, annuleren_tot=iedereen) == {"annuleren_tot"}
    geen_range = factories.AanbodFactory(leeftijd_van=None, leeftijd_tot=None)
    assert validate(aanbod=geen_range, leeftijd_controleren=True) == {"leeftijd_controleren"}
    assert validate(leeftijd_controleren=True) == set()


def test_portal_activity_form_sets_and_validates_the_rules(client, alice, partner_a):
    aanbod = factories.AanbodFactory(partner=partner_a, leeftijd_van=None, leeftijd_tot=None)
    client.force_login(alice)
    url = reverse("portal_activiteit_nieuw", kwargs={"aanbod_pk": aanbod.pk})
    page = client.get(url).content.decode()
    assert "Residents may register from (optional)" in page and "Check the child&#x27;s age" in page
    base = {
        "datum": "2030-05-01",
        "van": "19:00",
        "tot": "21:00",
        "online": "on",
        "max_personen_per_inschrijving": "2",
        "inschrijving_nodig": "on",
    }
    wrong = client.post(
        url,
        {
            **base,
            "inschrijven_inwoners_vanaf_datum": "2030-04-01",
            "inschrijven_inwoners_vanaf_tijd": "09:00",
            "inschrijven_vanaf_datum": "2030-03-29",
            "annuleren_tot_datum": "2030-05-02",
            "leeftijd_controleren": "on",
        },
    )
    assert wrong.status_code == 400
    content = wrong.content.decode()
    assert "Residents must be able to register before everyone else" in content
    assert "Online cancelling must end before it starts" in content
    assert "This aanbod has no age range to check" in content
    ok = client.post(
        url,
        {
            **base,
            "inschrijven_inwoners_vanaf_datum": "2030-03-29",
            "inschrijven_inwoners_vanaf_tijd": "09:00",
            "inschrijven_vanaf_datum": "2030-04-01",
            "inschrijven_vanaf_tijd": "09:00",
            "annuleren_tot_datum": "2030-04-29",
        },
    )
    assert ok.status_code == 302
    activiteit = aanbod.activiteiten.get()
    assert activiteit.inschrijven_inwoners_vanaf == brussel(2030, 3, 29, 9, 0)
    assert activiteit.inschrijven_vanaf == brussel(2030, 4, 1, 9, 0)
    assert activiteit.annuleren_tot == brussel(2030, 4, 29, 23, 59)
    edit = client.get(reverse("portal_activiteit_bewerken", args=[activiteit.pk])).content.decode()
    assert 'value="2030-03-29"' in edit and 'value="09:00"' in edit


def test_portal_series_form_puts_the_rules_on_the_series(client, alice, partner_a):
    aanbod = factories.AanbodFactory(partner=partner_a, soort="oudercursus", leeftijd_van=2, leeftijd_tot=12)
    client.force_login(alice)
    response = client.post(
        reverse("portal_activiteit_reeks", kwargs={"aanbod_pk": aanbod.pk}),
        {
            "weekdag": "1",
            "van": "19:30",
            "tot": "21:30",
            "vanaf": "2030-05-07",
            "tot_en_met": "2030-05-28",
            "online": "on",
            "max_personen_per_inschrijving": "2",
            "inschrijving_nodig": "on",
            "als_reeks": "on",
            "inschrijven_inwoners_vanaf_datum": "2030-03-29",
            "inschrijven_inwoners_vanaf_tijd": "09:00",
            "inschrijven_vanaf_datum": "2030-04-01",
            "inschrijven_vanaf_tijd": "09:00",
            "annuleren_tot_datum": "2030-05-05",
            "leeftijd_controleren": "on",
        },
    )
    assert response.status_code == 302
    reeks = aanbod.reeksen.get()
    assert reeks.inschrijven_inwoners_vanaf == brussel(2030, 3, 29, 9, 0)
    assert reeks.inschrijven_vanaf == brussel(2030, 4, 1, 9, 0)
    assert reeks.annuleren_tot == brussel(2030, 5, 5, 23, 59)
    assert reeks.leeftijd_controleren
    assert all(m.inschrijven_vanaf is None for m in reeks.bijeenkomsten)


def test_weekly_single_dates_move_the_rules_with_each_date(client, alice, partner_a):
    aanbod = factories.AanbodFactory(partner=partner_a)
    client.force_login(alice)
    response = client.post(
        reverse("portal_activiteit_reeks", kwargs={"aanbod_pk": aanbod.pk}),
        {
            "weekdag": "2",
            "van": "19:30",
            "tot": "21:30",
            "vanaf": "2030-03-20",
            "tot_en_met": "2030-04-03",
            "online": "on",
            "max_personen_per_inschrijving": "2",
            "inschrijving_nodig": "on",
            "inschrijven_vanaf_datum": "2030-03-13",
            "inschrijven_vanaf_tijd": "09:00",
        },
    )
    assert response.status_code == 302
    openingen = [
        timezone.localtime(a.inschrijven_vanaf, BRUSSEL) for a in aanbod.activiteiten.order_by("start")
    ]
    # 9:00 in Brussels every week, before and after the clocks change on 31 March.
    assert openingen == [brussel(2030, 3, 13, 9, 0), brussel(2030, 3, 20, 9, 0), brussel(2030, 3, 27, 9, 0)]


def admin_form(superuser, obj, **values):
    """The admin's change form of `obj`, bound to its current values with `values` changed."""
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import resolve

    path = reverse(f"admin:aanbod_{obj._meta.model_name}_change", args=[obj.pk])
    request = RequestFactory().get(path)
    request.user, request.resolver_match = superuser, resolve(path)
    form_class = admin.site._registry[type(obj)].get_form(request, obj, change=True)
    data = {}
    for name in form_class.base_fields:
        value = values.get(
            name, getattr(obj, name if name != "aanbod" and name != "locatie" else f"{name}_id")
        )
        if isinstance(value, dt.datetime):
            local = timezone.localtime(value, BRUSSEL)
            data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%Y-%m-%d"), local.strftime("%H:%M")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return form_class(data=data, instance=obj)


def test_admin_shows_the_rules_in_a_fieldset(client, superuser):
    client.force_login(superuser)
    activiteit = activiteit_op(brussel(2030, 5, 1, 19, 0))
    page = client.get(reverse("admin:aanbod_activiteit_change", args=[activiteit.pk])).content.decode()
    assert "Registration rules" in page and 'name="inschrijven_inwoners_vanaf_0"' in page
    reeks = reeks_op(brussel(2030, 5, 1, 19, 0))
    page = client.get(reverse("admin:aanbod_reeks_change", args=[reeks.pk])).content.decode()
    assert "Registration rules" in page and 'name="annuleren_tot_0"' in page


def test_admin_validates_the_rules_of_an_activity(superuser):
    activiteit = activiteit_op(brussel(2030, 5, 1, 19, 0))
    inwoners, iedereen = WINDOWS["march"]
    assert admin_form(superuser, activiteit).is_valid()
    wrong = admin_form(superuser, activiteit, inschrijven_inwoners_vanaf=iedereen, inschrijven_vanaf=inwoners)
    assert not wrong.is_valid()
    assert list(wrong.errors) == ["inschrijven_inwoners_vanaf"]
    late = admin_form(superuser, activiteit, annuleren_tot=brussel(2030, 5, 1, 19, 1))
    assert list(late.errors) == ["annuleren_tot"]
    ok = admin_form(superuser, activiteit, inschrijven_inwoners_vanaf=inwoners, inschrijven_vanaf=iedereen)
    assert ok.is_valid(), ok.errors
    ok.save()
    activiteit.refresh_from_db()
    assert activiteit.inschrijven_vanaf == iedereen


def test_admin_validates_the_rules_of_a_series(superuser):
    reeks = reeks_op(brussel(2030, 5, 1, 19, 0))
    inwoners, iedereen = WINDOWS["march"]
    assert admin_form(superuser, reeks).is_valid()
    # Opening after the first meeting (the series closes then, without a deadline of its own).
    wrong = admin_form(superuser, reeks, inschrijven_vanaf=brussel(2030, 5, 2, 9, 0))
    assert list(wrong.errors) == ["inschrijven_vanaf"]
    # A series may be cancelled online until its last meeting, not after.
    assert admin_form(superuser, reeks, annuleren_tot=brussel(2030, 5, 15, 19, 0)).is_valid()
    assert list(admin_form(superuser, reeks, annuleren_tot=brussel(2030, 5, 15, 19, 1)).errors) == [
        "annuleren_tot"
    ]
    ok = admin_form(superuser, reeks, inschrijven_inwoners_vanaf=inwoners, inschrijven_vanaf=iedereen)
    assert ok.is_valid(), ok.errors


def test_seed_demo_shows_each_rule(settings):
    from django.core.management import call_command

    from aanbod.models import Reeks

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    # The course's current and coming series (the report's demo adds past ones, long over, without rules).
    voorrang = Reeks.objects.filter(
        aanbod__slug="oudercursus-positief-opvoeden", activiteiten__start__gte=timezone.now()
    ).distinct()
    assert voorrang.exists()
    for reeks in voorrang:
        assert reeks.inschrijven_inwoners_vanaf < reeks.inschrijven_vanaf < reeks.start
        assert timezone.localtime(reeks.inschrijven_vanaf).time() == dt.time(9, 0)
    assert all(
        r.annuleren_tot
        for r in Reeks.objects.filter(aanbod__slug="babymassage", activiteiten__start__gte=timezone.now())
    )
    assert all(
        r.leeftijd_controleren for r in Reeks.objects.filter(aanbod__slug="praatgroep-kinderen-scheiding")
    )
    assert (
        not Reeks.objects.exclude(
            aanbod__slug__in=["oudercursus-positief-opvoeden", "babymassage", "praatgroep-kinderen-scheiding"]
        )
        .filter(leeftijd_controleren=True)
        .exists()
    )
    assert not Inschrijving.objects.filter(
        reeks__inschrijven_inwoners_vanaf__gt=timezone.now()
    ).exists()  # nobody registered for a course that is not open yet


def test_postgres_the_aanbod_page_is_fresh_around_an_opening(postgres, client, at):
    """The page cache holds a page for up to a clock bucket; around an opening the page is rendered afresh
    and never kept, so the button appears when parents wait for it."""
    inwoners, iedereen = WINDOWS["march"]
    activiteit = activiteit_op(
        brussel(2030, 5, 1, 19, 0), inschrijven_inwoners_vanaf=inwoners, inschrijven_vanaf=iedereen
    )
    url = activiteit.aanbod.get_absolute_url()
    at(inwoners - dt.timedelta(hours=1))
    far = client.get(url)
    assert "public" in far["Cache-Control"] and far.has_header("ETag")
    at(inwoners - dt.timedelta(minutes=5))
    near = client.get(url, headers={"if-none-match": far["ETag"]})
    assert near.status_code == 200
    assert "private" in near["Cache-Control"] and "no-cache" in near["Cache-Control"]
    assert not near.has_header("ETag")


def test_a_meeting_of_a_series_has_no_rules_of_its_own_in_the_portal(client, alice, partner_a):
    reeks = factories.ReeksFactory(aanbod__partner=partner_a, bijeenkomsten=2)
    client.force_login(alice)
    page = client.get(
        reverse("portal_activiteit_bewerken", args=[reeks.bijeenkomsten[0].pk])
    ).content.decode()
    assert page.count('name="datum"') == 1
    assert "inschrijven_vanaf_datum" not in page and "leeftijd_controleren" not in page


@pytest.mark.parametrize("soort", DOELEN)
def test_the_confirmation_mail_says_until_when_to_cancel_online(
    soort, mailoutbox, django_capture_on_commit_callbacks
):
    start = timezone.now() + dt.timedelta(days=10)
    deadline = (start - dt.timedelta(days=2)).astimezone(BRUSSEL).replace(hour=12, minute=0, second=0)
    doel = DOELEN[soort](start, annuleren_tot=deadline)
    zonder = DOELEN[soort](start + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        register(doel, "met@example.org")
        register(zonder, "zonder@example.org")
    mails = {mail.to[0]: mail for mail in mailoutbox}
    met = mails["met@example.org"]
    datum = str(timezone.localtime(deadline).day)
    for body in (met.body, met.alternatives[0][0]):
        assert "registration online until" in body and f" {datum} " in body and "12:00" in body
    assert "registration online until" not in mails["zonder@example.org"].body
