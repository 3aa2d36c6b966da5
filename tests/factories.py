from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from aanbod.models import Aanbod, Activiteit, Inschrijving, Locatie, Openingsuur, Reeks, Thema
from partners.models import COORDINATOR_GROUP, Gemeente, Gemeentetoegang, Lidmaatschap, Partner, User
from vragen.models import Kanaal, Signaal, Vraag

PASSWORD = "correct-horse-battery"  # noqa: S105
# Factory users have an authenticator app with this secret, so that force_login stands for a full
# two-step login; `UserFactory(mfa=False)` makes one with the password only.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The authenticator's current code, as a person would type it.

    allauth accepts only the current 30-second step (no tolerance): a code taken in the last seconds of a
    step may reach the server in the next one, on a busy machine, and be refused. Like a person who sees
    the code about to change, wait for the next one then.
    """
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def gemeente(nis: str = "44021") -> Gemeente:
    return Gemeente.objects.get(nis=nis)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    naam = factory.Faker("name", locale="nl_BE")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        if create and extracted is not False:
            from allauth.mfa.models import Authenticator
            from allauth.mfa.totp.internal.auth import TOTP

            if not Authenticator.objects.filter(user=self, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(self, TOTP_SECRET)


class CoordinatorFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def coordinator_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=COORDINATOR_GROUP))


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    naam = factory.Sequence(lambda n: f"Partner {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.naam))
    soort = Partner.Soort.OPVOEDINGSWINKEL
    korte_beschrijving = "Een partner van het netwerk."
    email = factory.LazyAttribute(lambda o: f"info@{o.slug}.example")


class LidmaatschapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lidmaatschap

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    rol = Lidmaatschap.Rol.MEDEWERKER


class GemeentetoegangFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gemeentetoegang

    user = factory.SubFactory(UserFactory)
    gemeente = factory.LazyFunction(gemeente)


class ThemaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thema
        django_get_or_create = ("slug",)

    naam = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.naam))


class LocatieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Locatie

    naam = factory.Sequence(lambda n: f"Ontmoetingsruimte {n}")
    straat = "Kerkstraat 1"
    postcode = "9000"
    gemeente = factory.LazyFunction(gemeente)
    latitude = None
    longitude = None


class AanbodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aanbod
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    titel = factory.Sequence(lambda n: f"Vormingsavond {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.titel))
    soort = Aanbod.Soort.VORMINGSAVOND
    samenvatting = "Een avond voor ouders over opvoeden."
    beschrijving = "We praten samen over de dagelijkse vragen van ouders."
    status = Aanbod.Status.GEPUBLICEERD
    kosten = Aanbod.Kosten.GRATIS
    leeftijd_van = 0
    leeftijd_tot = 12
    nagekeken_op = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def themas(self, create, extracted, **kwargs):
        if create and extracted:
            self.themas.set(extracted)


class OpeningsuurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Openingsuur

    aanbod = factory.SubFactory(AanbodFactory)
    weekdag = Openingsuur.Weekdag.WOENSDAG
    van = "14:00"
    tot = "17:00"


class ActiviteitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activiteit

    aanbod = factory.SubFactory(AanbodFactory)
    start = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + timedelta(days=7))
    einde = factory.LazyAttribute(lambda o: o.start + timedelta(hours=2))
    locatie = factory.SubFactory(LocatieFactory)
    capaciteit = 20


class ReeksFactory(factory.django.DjangoModelFactory):
    """A series; `bijeenkomsten=n` (default 3) adds n weekly meetings starting in a week."""

    class Meta:
        model = Reeks
        skip_postgeneration_save = True

    aanbod = factory.SubFactory(AanbodFactory)
    capaciteit = 10
    max_personen_per_inschrijving = 2

    @factory.post_generation
    def bijeenkomsten(self, create, extracted, **kwargs):
        if not create:
            return
        first = timezone.now().replace(microsecond=0) + timedelta(days=7)
        for week in range(3 if extracted is None else extracted):
            start = first + timedelta(weeks=week)
            ActiviteitFactory(
                aanbod=self.aanbod, reeks=self, start=start, einde=start + timedelta(hours=2), capaciteit=None
            )


class InschrijvingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inschrijving

    activiteit = factory.SubFactory(ActiviteitFactory)
    naam = factory.Faker("name", locale="nl_BE")
    email = factory.Sequence(lambda n: f"ouder{n}@example.org")
    aantal_personen = 1
    status = Inschrijving.Status.BEVESTIGD


class VraagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vraag
        skip_postgeneration_save = True

    gemeente = factory.LazyFunction(gemeente)
    kanaal = Kanaal.TELEFOON
    datum = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def themas(self, create, extracted, **kwargs):
        if create and extracted:
            self.themas.set(extracted)


class SignaalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signaal

    gemeente = factory.LazyFunction(gemeente)
    thema = factory.LazyFunction(lambda: Thema.objects.get(slug="slapen"))
    titel = "Wachtlijst voor slaapconsult"
    tekst = "Ouders wachten drie maanden op een consult."


# --- The spelotheek (aanbod.spelotheek) ------------------------------------------------------------


class SpeelgoedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "spelotheek.Speelgoed"

    partner = factory.SubFactory(PartnerFactory)
    code = factory.Sequence(lambda n: f"SP{n:04d}")
    naam = factory.Sequence(lambda n: f"Houten puzzel {n}")
    beschrijving = "Een stevige puzzel."
    leeftijd_van = 2
    leeftijd_tot = 5
    categorie = "puzzels"
    aantal_stukken = 12


class LidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "spelotheek.Lid"

    partner = factory.SubFactory(PartnerFactory)
    lidnummer = factory.Sequence(lambda n: str(1000 + n))
    naam = factory.Sequence(lambda n: f"Gezin {n}")
    email = factory.Sequence(lambda n: f"gezin{n}@example.org")
    postcode = "9000"
    lid_van = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    lid_tot = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300))


def listed_aanbod(response) -> list:
    """The aanbod of a wegwijzer list page, in its order. With a data version (PostgreSQL) the page holds
    only ids and annotations (CardRows) for the cards tag; this reads their aanbod as the tag would."""
    return response.context["load_cards"](list(response.context["page"].object_list))
