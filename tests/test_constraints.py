"""Every database constraint of the three apps rejects what it forbids, on SQLite and PostgreSQL alike.

Each case writes straight to the database (create/update/bulk_create, no full_clean), so it is the
database that refuses. A meta-test makes sure no named constraint or unique field goes untested.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from aanbod.models import Aanbod, Activiteit, Inschrijving, Openingsuur, Reeks, Thema
from partners.models import (
    Gemeente,
    Gemeentetoegang,
    Lidmaatschap,
    Netwerk,
    Partner,
    Postcode,
    Uitnodiging,
    User,
)
from tests import factories

pytestmark = pytest.mark.django_db


def rejects(write) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def gent() -> Gemeente:
    return Gemeente.objects.get(nis="44021")


def uitnodiging(**kwargs) -> Uitnodiging:
    values = {
        "email": "nieuw@example.org",
        "partner": factories.PartnerFactory(),
        "token_hash": "a" * 64,
        "verloopt_op": timezone.now() + dt.timedelta(days=7),
    } | kwargs
    return Uitnodiging.objects.create(**values)


def aanbod_update(**values):
    aanbod = factories.AanbodFactory()
    return lambda: Aanbod.objects.filter(pk=aanbod.pk).update(**values)


def activiteit_update(**values):
    activiteit = factories.ActiviteitFactory()
    return lambda: Activiteit.objects.filter(pk=activiteit.pk).update(**values)


# --- partners ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nis", ["4402", "4402a", " 4402", ""])
def test_gemeente_nis_five_digits(nis):
    rejects(lambda: Gemeente.objects.create(nis=nis, naam="X", slug="x", provincie="P", gewest="vlaams"))


def test_gemeente_nis_unique():
    rejects(
        lambda: Gemeente.objects.create(
            nis="44021", naam="Gent 2", slug="gent-2", provincie="P", gewest="vlaams"
        )
    )


def test_gemeente_slug_unique():
    rejects(
        lambda: Gemeente.objects.create(
            nis="99999", naam="Gent", slug=gent().slug, provincie="P", gewest="vlaams"
        )
    )


@pytest.mark.parametrize("code", ["900", "0900", "9a00", "90 0"])
def test_postcode_four_digits(code):
    rejects(lambda: Postcode.objects.create(code=code, gemeente=gent()))


def test_postcode_unique_per_gemeente():
    rejects(lambda: Postcode.objects.create(code="9000", gemeente=gent()))


def test_postcode_may_belong_to_two_gemeenten():
    Postcode.objects.create(code="9000", gemeente=Gemeente.objects.get(nis="11002"))


def test_netwerk_singleton():
    Netwerk.objects.get_or_create(pk=1)
    # save() always writes pk 1; bulk_create bypasses it, so the database must refuse a second record.
    rejects(lambda: Netwerk.objects.bulk_create([Netwerk(pk=2, naam="Tweede")]))


def test_user_email_unique(alice):
    rejects(lambda: User.objects.create(email="alice@example.org"))


def test_partner_slug_unique(partner_a):
    rejects(lambda: Partner.objects.create(naam="Andere", slug=partner_a.slug))


def test_partner_uuid_unique(partner_a):
    rejects(lambda: Partner.objects.create(naam="Andere", slug="andere", uuid=partner_a.uuid))


def test_lidmaatschap_one_per_user_and_partner(alice, partner_a):
    rejects(lambda: Lidmaatschap.objects.create(user=alice, partner=partner_a, rol="medewerker"))


def test_lidmaatschap_same_user_other_partner_is_fine(alice, partner_b):
    Lidmaatschap.objects.create(user=alice, partner=partner_b)


def test_gemeentetoegang_one_per_user_and_gemeente(dora, gemeente_a):
    rejects(lambda: Gemeentetoegang.objects.create(user=dora, gemeente=gemeente_a))


def test_uitnodiging_needs_partner_or_gemeente():
    rejects(lambda: uitnodiging(partner=None, gemeente=None))


def test_uitnodiging_token_hash_unique():
    uitnodiging()
    rejects(lambda: uitnodiging(email="ander@example.org"))


# --- aanbod --------------------------------------------------------------------------------------------


def test_thema_slug_unique():
    rejects(lambda: Thema.objects.create(slug="slapen", naam="Slapen 2"))


def test_thema_uuid_unique():
    rejects(
        lambda: Thema.objects.create(slug="nieuw", naam="Nieuw", uuid=Thema.objects.get(slug="slapen").uuid)
    )


def test_aanbod_slug_unique():
    aanbod = factories.AanbodFactory()
    rejects(lambda: factories.AanbodFactory(slug=aanbod.slug))


def test_aanbod_uuid_unique():
    aanbod = factories.AanbodFactory()
    rejects(lambda: factories.AanbodFactory(uuid=aanbod.uuid))


@pytest.mark.parametrize(
    "van,tot",
    [(6, 3), (0, 26), (3, None), (None, 12)],
    ids=["high-to-low", "above-25", "only-from", "only-to"],
)
def test_aanbod_age_range_low_to_high(van, tot):
    rejects(aanbod_update(leeftijd_van=van, leeftijd_tot=tot))


def test_aanbod_age_range_open_or_equal_is_fine():
    aanbod_update(leeftijd_van=None, leeftijd_tot=None)()
    aanbod_update(leeftijd_van=3, leeftijd_tot=3)()


def test_aanbod_price_not_negative():
    rejects(aanbod_update(kosten="betalend", prijs=Decimal("-1.00")))


def test_aanbod_paid_needs_price():
    rejects(aanbod_update(kosten="betalend", prijs=None))


def test_aanbod_free_with_kansentarief_and_paid_with_price_are_fine():
    aanbod_update(kosten="gratis", prijs=None, kansentarief=True)()
    aanbod_update(kosten="betalend", prijs=Decimal("0.00"))()


@pytest.mark.parametrize(
    "lat,lon",
    [
        (Decimal("91"), Decimal("3.7")),
        (Decimal("51"), Decimal("-181")),
        pytest.param(
            Decimal("51"),
            None,
        ),
    ],
    ids=["latitude", "longitude", "half"],
)
def test_locatie_coordinates_valid(lat, lon):
    rejects(lambda: factories.LocatieFactory(latitude=lat, longitude=lon))


def test_locatie_uuid_unique():
    locatie = factories.LocatieFactory()
    rejects(lambda: factories.LocatieFactory(uuid=locatie.uuid))


@pytest.mark.parametrize("van,tot", [("17:00", "14:00"), ("14:00", "14:00")])
def test_openingsuur_van_before_tot(van, tot):
    aanbod = factories.AanbodFactory()
    rejects(lambda: Openingsuur.objects.create(aanbod=aanbod, weekdag=2, van=van, tot=tot))


def test_openingsuur_weekday_valid():
    aanbod = factories.AanbodFactory()
    rejects(lambda: Openingsuur.objects.create(aanbod=aanbod, weekdag=7, van="10:00", tot="11:00"))


def test_activiteit_ends_after_it_starts():
    start = timezone.now() + dt.timedelta(days=3)
    rejects(activiteit_update(start=start, einde=start))
    rejects(activiteit_update(start=start, einde=start - dt.timedelta(hours=1)))


def test_activiteit_capacity_not_negative():
    rejects(activiteit_update(capaciteit=-1))


def test_activiteit_capacity_zero_or_none_is_fine():
    activiteit_update(capaciteit=0)()
    activiteit_update(capaciteit=None)()


def test_activiteit_max_personen_positive():
    rejects(activiteit_update(max_personen_per_inschrijving=0))


def test_activiteit_uuid_unique():
    activiteit = factories.ActiviteitFactory()
    rejects(lambda: factories.ActiviteitFactory(uuid=activiteit.uuid))


def test_inschrijving_at_least_one_person():
    rejects(lambda: factories.InschrijvingFactory(aantal_personen=0))


def test_inschrijving_one_active_per_email():
    eerste = factories.InschrijvingFactory(email="ouder@example.org")
    rejects(lambda: factories.InschrijvingFactory(activiteit=eerste.activiteit, email="ouder@example.org"))
    rejects(
        lambda: factories.InschrijvingFactory(
            activiteit=eerste.activiteit, email="ouder@example.org", status=Inschrijving.Status.WACHTLIJST
        )
    )


def test_inschrijving_cancelled_does_not_block():
    eerste = factories.InschrijvingFactory(email="ouder@example.org", status=Inschrijving.Status.GEANNULEERD)
    factories.InschrijvingFactory(activiteit=eerste.activiteit, email="ouder@example.org")
    factories.InschrijvingFactory(email="ouder@example.org")  # another activity


def test_inschrijving_erased_emails_do_not_block():
    eerste = factories.InschrijvingFactory(email="")
    factories.InschrijvingFactory(activiteit=eerste.activiteit, email="")


def test_reeks_capacity_not_negative_and_max_personen_positive():
    reeks = factories.ReeksFactory(bijeenkomsten=0)
    rejects(lambda: Reeks.objects.filter(pk=reeks.pk).update(capaciteit=-1))
    rejects(lambda: Reeks.objects.filter(pk=reeks.pk).update(max_personen_per_inschrijving=0))


def test_reeks_uuid_unique():
    reeks = factories.ReeksFactory(bijeenkomsten=0)
    rejects(lambda: factories.ReeksFactory(uuid=reeks.uuid, bijeenkomsten=0))


def test_inschrijving_for_activiteit_or_reeks_not_both_nor_neither():
    reeks = factories.ReeksFactory(bijeenkomsten=1)
    rejects(lambda: factories.InschrijvingFactory(reeks=reeks))  # the factory also sets an activity
    rejects(lambda: factories.InschrijvingFactory(activiteit=None))
    factories.InschrijvingFactory(activiteit=None, reeks=reeks)


def test_inschrijving_one_active_per_email_per_reeks():
    reeks = factories.ReeksFactory(bijeenkomsten=1)
    factories.InschrijvingFactory(activiteit=None, reeks=reeks, email="ouder@example.org")
    rejects(lambda: factories.InschrijvingFactory(activiteit=None, reeks=reeks, email="ouder@example.org"))


def test_aanwezigheid_once_per_meeting():
    from aanbod.models import Aanwezigheid

    reeks = factories.ReeksFactory(bijeenkomsten=1)
    inschrijving = factories.InschrijvingFactory(activiteit=None, reeks=reeks)
    meeting = reeks.bijeenkomsten[0]
    Aanwezigheid.objects.create(inschrijving=inschrijving, activiteit=meeting, aanwezig=True)
    rejects(
        lambda: Aanwezigheid.objects.create(inschrijving=inschrijving, activiteit=meeting, aanwezig=False)
    )


def test_inschrijving_token_hash_unique():
    eerste = factories.InschrijvingFactory()
    rejects(lambda: factories.InschrijvingFactory(token=eerste.token))


# --- vragen --------------------------------------------------------------------------------------------


def test_gesprek_one_per_vraag_and_unique_code():
    Gesprek = apps.get_model("vragen", "Gesprek")
    vraag = factories.VraagFactory()
    Gesprek.objects.create(vraag=vraag, code_hash="a" * 64)
    rejects(lambda: Gesprek.objects.create(vraag=vraag, code_hash="b" * 64))
    rejects(lambda: Gesprek.objects.create(vraag=factories.VraagFactory(), code_hash="a" * 64))


# --- Nothing untested ----------------------------------------------------------------------------------

TESTED = {
    "gemeente_nis_five_digits",
    "postcode_unique_per_gemeente",
    "postcode_four_digits",
    "netwerk_singleton",
    "lidmaatschap_unique_user_partner",
    "gemeentetoegang_unique_user_gemeente",
    "uitnodiging_for_partner_or_gemeente",
    "aanbod_leeftijd_low_to_high",
    "aanbod_prijs_not_negative",
    "aanbod_betalend_has_prijs",
    "locatie_coordinates_valid",
    "openingsuur_van_before_tot",
    "openingsuur_weekdag_valid",
    "activiteit_einde_after_start",
    "activiteit_capaciteit_not_negative",
    "activiteit_max_personen_positive",
    "inschrijving_min_one_person",
    "inschrijving_one_active_per_email",
    "inschrijving_one_active_per_email_reeks",
    "inschrijving_activiteit_or_reeks",
    "aanwezigheid_once_per_meeting",
    "reeks_capaciteit_not_negative",
    "reeks_max_personen_positive",
    # unique fields
    "partners.Gemeente.nis",
    "partners.Gemeente.slug",
    "partners.User.email",
    "partners.Partner.uuid",
    "partners.Partner.slug",
    "partners.Uitnodiging.token_hash",
    "aanbod.Thema.uuid",
    "aanbod.Thema.slug",
    "aanbod.Aanbod.uuid",
    "aanbod.Aanbod.slug",
    "aanbod.Locatie.uuid",
    "aanbod.Activiteit.uuid",
    "aanbod.Reeks.uuid",
    "aanbod.Inschrijving.token_hash",
    "vragen.Gesprek.vraag",
    "vragen.Gesprek.code_hash",
}


def test_every_constraint_has_a_test():
    found = set()
    for app in ("partners", "aanbod", "vragen"):
        for model in apps.get_app_config(app).get_models():
            found.update(constraint.name for constraint in model._meta.constraints)
            found.update(
                f"{model._meta.label}.{field.name}"
                for field in model._meta.local_fields
                if field.unique and not field.primary_key
            )
    assert found - TESTED == set(), "add a test to tests/test_constraints.py"
