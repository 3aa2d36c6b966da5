"""`manage.py seed_demo`: a believable demo network, one account per role, and nothing doubled on a rerun.

The command runs twice once for the whole module (inside a transaction that is rolled back at the end),
and the tests read what it made.
"""

import io
from datetime import date, time, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from aanbod.models import Aanbod, Activiteit, Inschrijving, Locatie, Openingsuur
from partners.models import COORDINATOR_GROUP, Gemeentetoegang, Lidmaatschap, Netwerk, Partner, User
from vragen.management.demo_data import ACCOUNTS, DEMO_PASSWORD, GESPREKKEN
from vragen.models import Bericht, Gesprek, Kanaal, Signaal, Vraag
from vragen.services import gesprek_find

# Every test here is a database test, so pytest-django keeps them together and before the transactional
# tests, whose flush would leave no gemeenten to seed with.
pytestmark = pytest.mark.django_db

MODELS = [Partner, Locatie, Aanbod, Openingsuur, Activiteit, Inschrijving, Vraag, Vraag.themas.through,
          Signaal, Gesprek, Bericht, User, Lidmaatschap, Gemeentetoegang]  # fmt: skip


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed twice; yield the counts after each run and the first run's output. Rolled back afterwards.

    A fast password hasher for the module: hashing four demo passwords properly takes seconds.
    """
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with fast_hasher, django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_demo", force=True, stdout=out)
        first = counts()
        call_command("seed_demo", force=True, stdout=io.StringIO())
        second = counts()
        yield {"first": first, "second": second, "output": out.getvalue()}
        transaction.set_rollback(True)


def test_seed_demo_twice_creates_no_duplicates(seeded):
    assert seeded["first"]["partners.Partner"] > 0
    assert seeded["second"] == seeded["first"]


def test_seed_demo_refuses_without_debug_or_force(db, settings):
    settings.DEBUG = False
    before = counts()
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())
    assert counts() == before


def test_seed_demo_sets_up_the_network(seeded):
    netwerk = Netwerk.load()
    assert netwerk.naam == "Huis van het Kind Lochristi"
    assert netwerk.privacyverklaring
    assert sorted(netwerk.werkgebied.values_list("nis", flat=True)) == ["42010", "44013", "44087", "46029"]


def test_seed_demo_creates_partners_of_real_kinds(seeded):
    assert Partner.objects.count() >= 12
    kinds = set(Partner.objects.values_list("soort", flat=True))
    for kind in ["consultatiebureau", "opvoedingswinkel", "bibliotheek", "caw", "ocmw", "kinderopvang",
                 "school", "clb", "vrijwilligers", "jeugdhulp", "gemeente"]:  # fmt: skip
        assert kind in kinds
    assert Partner.objects.filter(vertrouwd=True).exists()
    assert Partner.objects.filter(vertrouwd=False).exists()
    assert not Locatie.objects.filter(latitude__isnull=True).exists()


def test_seed_demo_covers_every_soort_and_status(seeded):
    assert Aanbod.objects.count() >= 40
    assert set(Aanbod.objects.values_list("soort", flat=True)) == set(Aanbod.Soort.values)
    assert Aanbod.objects.filter(status=Aanbod.Status.INGEDIEND).count() >= 2
    afgewezen = Aanbod.objects.get(status=Aanbod.Status.AFGEWEZEN)
    assert afgewezen.afwijsreden
    jaar_geleden = timezone.localdate() - timedelta(days=365)
    assert Aanbod.objects.gepubliceerd().filter(nagekeken_op__lt=jaar_geleden).count() == 1
    assert Aanbod.objects.filter(aanstaande_ouders=True).exists()
    assert Aanbod.objects.filter(kosten=Aanbod.Kosten.GRATIS).exists()
    assert Aanbod.objects.filter(kosten=Aanbod.Kosten.BETALEND, kansentarief=True).exists()
    assert Aanbod.objects.filter(talen__code="ar").exists()


def test_seed_demo_opens_the_spelotheek_on_wednesday_afternoon(seeded):
    spelotheek = Aanbod.objects.get(soort=Aanbod.Soort.SPELOTHEEK)
    slots = list(spelotheek.openingsuren.values_list("weekdag", "van", "tot"))
    assert (Openingsuur.Weekdag.WOENSDAG, time(14), time(17)) in slots


def test_seed_demo_plans_activities_for_the_coming_three_months(seeded):
    now = timezone.now()
    coming = Activiteit.objects.filter(start__gt=now, start__lte=now + timedelta(days=92))
    assert coming.count() >= 150
    assert coming.filter(geannuleerd=True).exists()
    met_bezetting = coming.met_bezetting()
    assert any(act.is_volzet for act in met_bezetting)
    assert met_bezetting.filter(wachtend__gt=0).exists()
    emails = Inschrijving.objects.filter(gewist_op__isnull=True).values_list("email", flat=True)
    assert emails
    assert all(email.endswith("@example.org") for email in emails)
    # The past years' registrations (vragen/management/demo_bereik.py) are erased: no name, no address.
    assert not Inschrijving.objects.filter(gewist_op__isnull=False).exclude(naam="", email="").exists()


def test_seed_demo_records_two_years_of_vragen(seeded):
    today = timezone.localdate()
    vragen = Vraag.objects.all()
    assert vragen.count() >= 200
    assert not vragen.filter(datum__gte=today).exists()
    assert not vragen.filter(datum__lt=today - timedelta(days=731)).exists()
    months = {(d.year, d.month) for d in vragen.values_list("datum", flat=True)}
    assert len(months) >= 22
    assert set(vragen.values_list("kanaal", flat=True)) == set(Kanaal.values)
    assert not vragen.filter(themas__isnull=True).exists()
    assert Signaal.objects.count() >= 3


def test_seed_demo_questions_open_with_their_printed_pickup_code(seeded):
    for code, *_rest in GESPREKKEN:
        assert code in seeded["output"]
        gesprek = gesprek_find(code=code)
        assert gesprek is not None
        assert gesprek.vraag.kanaal == Kanaal.WEBSITE
        assert gesprek.berichten.exists()
    assert {g.status for g in Gesprek.objects.all()} == set(Gesprek.Status.values)
    beantwoord = Gesprek.objects.get(status=Gesprek.Status.BEANTWOORD)
    assert beantwoord.berichten.filter(van=Bericht.Van.NETWERK, auteur__isnull=False).exists()


def test_seed_demo_creates_one_account_per_role(seeded):
    coordinator = User.objects.get(email=ACCOUNTS["coordinator"][0])
    assert coordinator.is_staff
    assert not coordinator.is_superuser
    assert coordinator.groups.filter(name=COORDINATOR_GROUP).exists()
    assert coordinator.is_coordinator

    beheerder = User.objects.get(email=ACCOUNTS["beheerder"][0])
    assert not beheerder.is_staff
    assert list(beheerder.lidmaatschappen.values_list("partner__soort", "rol")) == [
        ("opvoedingswinkel", Lidmaatschap.Rol.BEHEERDER)
    ]

    medewerker = User.objects.get(email=ACCOUNTS["medewerker"][0])
    lidmaatschap = medewerker.lidmaatschappen.get()
    assert lidmaatschap.rol == Lidmaatschap.Rol.MEDEWERKER
    assert lidmaatschap.partner != beheerder.lidmaatschappen.get().partner

    gemeente = User.objects.get(email=ACCOUNTS["gemeente"][0])
    assert list(gemeente.gemeentetoegangen.values_list("gemeente__nis", flat=True)) == ["44087"]
    assert not gemeente.lidmaatschappen.exists()
    assert not gemeente.is_staff

    for user in [coordinator, beheerder, medewerker, gemeente]:
        assert user.check_password(DEMO_PASSWORD)
        assert user.email in seeded["output"]
    assert DEMO_PASSWORD in seeded["output"]


def test_seed_demo_registrations_do_not_wait_for_a_status_mail(seeded):
    """The periodic scan must not mail every demo registration the first time it runs."""
    from aanbod.models import Inschrijving

    assert Inschrijving.objects.exists()
    assert not Inschrijving.objects.filter(statusmail_verstuurd_op__isnull=True).exists()


def test_seed_demo_courses_are_series_with_registrations_for_the_whole_course(seeded):
    from aanbod.models import Activiteit, Inschrijving, Reeks

    cursus = Reeks.objects.filter(aanbod__slug="oudercursus-positief-opvoeden")
    assert cursus.exists()
    meetings = Activiteit.objects.filter(aanbod__slug="oudercursus-positief-opvoeden")
    assert meetings.exists() and not meetings.filter(reeks__isnull=True).exists()
    assert not Inschrijving.objects.filter(activiteit__in=meetings).exists()
    assert Inschrijving.objects.filter(reeks__in=cursus).exists()
    assert Reeks.objects.filter(aanbod__slug="babymassage").exists()


def test_seed_demo_gives_the_report_last_years_reach(seeded):
    """Reach is published per whole year: the demo has the past two years' (erased) registrations with
    postcodes, series included, so the Lochristi report shows families reached, year beside year."""
    from partners.models import Gemeente
    from vragen.rapporten import Periode, build_rapport

    last_year = timezone.localdate().year - 1
    erased = Inschrijving.objects.filter(gewist_op__isnull=False)
    assert erased.filter(reeks__isnull=False).exists()
    assert erased.filter(postcode="9080").count() >= 10
    assert erased.filter(postcode="").exists()
    assert "erased registrations of the past two years added" in seeded["output"]
    lochristi = Gemeente.objects.get(nis="44087")
    rapport = build_rapport(gemeente=lochristi, periode=Periode(last_year), today=date(last_year + 1, 6, 1))
    assert [cell.shown for cell in rapport.tabel("bereik_soort").totaal[1]] == [True, True]
