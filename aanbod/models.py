import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from aanbod.tokens import new_token, token_stored_forms, token_unseal
from huisvanhetkind.lib.scoping import scoped_manager
from huisvanhetkind.lib.text import SingleLineText
from partners.models import Gemeente, Partner

MAX_LEEFTIJD = 25


class MeertaligeNaam:
    """A name kept in Dutch with optional English and French: `label` is the one for the active language."""

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        lang = (get_language() or "nl")[:2]
        return {"en": self.naam_en, "fr": self.naam_fr}.get(lang) or self.naam


class Taal(MeertaligeNaam, models.Model):
    """A language an aanbod is offered in (ISO 639-1 code)."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    naam = models.CharField(_("name"), max_length=60)
    naam_en = models.CharField(_("name in English"), max_length=60, blank=True)
    naam_fr = models.CharField(_("name in French"), max_length=60, blank=True)
    volgorde = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["volgorde", "naam"]


class Thema(SingleLineText, MeertaligeNaam, models.Model):
    """A topic of upbringing, shared by aanbod and vragen."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    naam = models.CharField(_("name"), max_length=80)
    naam_en = models.CharField(_("name in English"), max_length=80, blank=True)
    naam_fr = models.CharField(_("name in French"), max_length=80, blank=True)
    beschrijving = models.CharField(_("description"), max_length=250, blank=True)
    volgorde = models.PositiveSmallIntegerField(_("order"), default=100)
    actief = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("thema")
        verbose_name_plural = _("themas")
        ordering = ["volgorde", "naam"]


class Levensfase(models.TextChoices):
    """Life stages a parent picks from; each maps to a range of child ages in years."""

    AANSTAAND = "aanstaand", _("Expecting a baby")
    BABY_PEUTER = "0-3", _("0 to 3 years")
    KLEUTER = "3-6", _("3 to 6 years")
    LAGERE_SCHOOL = "6-12", _("6 to 12 years")
    TIENER = "12-18", _("12 to 18 years")

    @property
    def leeftijden(self) -> tuple[int, int] | None:
        if self == Levensfase.AANSTAAND:
            return None
        low, high = self.value.split("-")
        return int(low), int(high)


class Doelgroep(models.TextChoices):
    OUDERS = "ouders", _("Parents")
    AANSTAANDE_OUDERS = "aanstaande_ouders", _("Parents-to-be")
    GROOTOUDERS = "grootouders", _("Grandparents")
    KINDEREN = "kinderen", _("Children and young people")
    PROFESSIONALS = "professionals", _("Professionals")


class AanbodQuerySet(models.QuerySet):
    def gepubliceerd(self) -> "AanbodQuerySet":
        return self.filter(status=Aanbod.Status.GEPUBLICEERD, partner__actief=True)

    def te_modereren(self) -> "AanbodQuerySet":
        return self.filter(Q(status=Aanbod.Status.INGEDIEND) | Q(voorgestelde_wijziging__isnull=False))

    def niet_nagekeken_sinds(self, days: int) -> "AanbodQuerySet":
        grens = timezone.localdate() - timedelta(days=days)
        return self.filter(Q(nagekeken_op__lt=grens) | Q(nagekeken_op__isnull=True))

    def met_volgende_start(self, now: datetime | None = None) -> "AanbodQuerySet":
        """Annotate `next_start`: the start of the first not-cancelled activity from `now` on (or NULL).

        Exact, and cheap on PostgreSQL: the stored start (`VolgendeStart`) where it is still ahead of
        `now`, NULL where none is stored (time cannot give an aanbod a coming activity), and the lookup in
        the activities only for the few rows whose stored start has passed since it was written. On
        SQLite, where nothing is stored, the lookup for every row.
        """
        now = now or timezone.now()
        if connections[self.db].vendor != "postgresql":
            return self.annotate(next_start=komende_start(now))
        return self.annotate(
            next_start=models.Case(
                models.When(volgende_start__start__lt=now, then=komende_start(now)),
                default=F("volgende_start__start"),
                output_field=models.DateTimeField(),
            )
        )


def komende_start(now: datetime) -> Subquery:
    """The start of the outer aanbod's first not-cancelled activity from `now` on: one probe of
    activiteit_komend_idx. Read past the scope (`_base_manager`): the outer query is scoped already."""
    return Subquery(
        Activiteit._base_manager.filter(aanbod_id=OuterRef("pk"), geannuleerd=False, start__gte=now)
        .order_by("start")
        .values("start")[:1]
    )


class Aanbod(SingleLineText, models.Model):
    class Soort(models.TextChoices):
        VORMINGSAVOND = "vormingsavond", _("Information evening")
        WORKSHOP = "workshop", _("Workshop")
        OUDERCURSUS = "oudercursus", _("Parenting course")
        ONTMOETINGSMOMENT = "ontmoetingsmoment", _("Meeting group")
        SPELOTHEEK = "spelotheek", _("Toy library (spelotheek)")
        CONSULTATIE = "consultatie", _("Consultation")
        ADVIESGESPREK = "adviesgesprek", _("Advice conversation")
        INFOTHEEK = "infotheek", _("Information point (infotheek)")
        SPEELMOMENT = "speelmoment", _("Play session")
        HUISBEZOEK = "huisbezoek", _("Home visit")
        GROEPSAANBOD = "groepsaanbod", _("Group programme")

    class Status(models.TextChoices):
        CONCEPT = "concept", _("Draft")
        INGEDIEND = "ingediend", _("Submitted")
        GEPUBLICEERD = "gepubliceerd", _("Published")
        AFGEWEZEN = "afgewezen", _("Rejected")
        GEARCHIVEERD = "gearchiveerd", _("Archived")

    class Kosten(models.TextChoices):
        GRATIS = "gratis", _("Free")
        BETALEND = "betalend", _("Paid")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="aanbod", verbose_name=_("partner")
    )
    titel = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=170, unique=True)
    soort = models.CharField(_("kind"), max_length=30, choices=Soort.choices, db_index=True)
    samenvatting = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences in plain language.")
    )
    beschrijving = models.TextField(_("description"), blank=True)
    afbeelding = models.ImageField(_("image"), upload_to="aanbod/", blank=True)
    themas = models.ManyToManyField(Thema, blank=True, related_name="aanbod", verbose_name=_("themas"))
    gemeenten = models.ManyToManyField(
        Gemeente,
        blank=True,
        related_name="aanbod",
        verbose_name=_("gemeenten"),
        help_text=_("Where this aanbod is for; empty means the whole werkgebied."),
    )
    locaties = models.ManyToManyField(
        "Locatie", blank=True, related_name="aanbod", verbose_name=_("locations")
    )
    talen = models.ManyToManyField(Taal, blank=True, related_name="aanbod", verbose_name=_("languages"))
    doelgroepen = models.JSONField(_("target groups"), default=list, blank=True)
    aanstaande_ouders = models.BooleanField(_("for parents-to-be"), default=False)
    leeftijd_van = models.PositiveSmallIntegerField(
        _("child age from (years)"), null=True, blank=True, validators=[MaxValueValidator(MAX_LEEFTIJD)]
    )
    leeftijd_tot = models.PositiveSmallIntegerField(
        _("child age up to (years)"), null=True, blank=True, validators=[MaxValueValidator(MAX_LEEFTIJD)]
    )
    kosten = models.CharField(_("cost"), max_length=10, choices=Kosten.choices, default=Kosten.GRATIS)
    prijs = models.DecimalField(
        _("price (EUR)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    kansentarief = models.BooleanField(
        _("reduced rate (UiTPAS kansentarief)"),
        default=False,
        help_text=_("Holders of an UiTPAS with kansentarief pay a reduced price."),
    )
    kosten_toelichting = models.CharField(_("about the cost"), max_length=200, blank=True)
    inschrijving_nodig = models.BooleanField(_("registration needed"), default=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_telefoon = models.CharField(_("contact phone"), max_length=30, blank=True)
    website = models.URLField(_("more information (link)"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONCEPT, db_index=True
    )
    afwijsreden = models.TextField(_("reason for rejection"), blank=True)
    voorgestelde_wijziging = models.JSONField(
        _("proposed change"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("An edit of a published aanbod that awaits moderation."),
    )
    ingediend_op = models.DateTimeField(_("submitted at"), null=True, blank=True)
    gepubliceerd_op = models.DateTimeField(_("published at"), null=True, blank=True)
    nagekeken_op = models.DateField(
        _("last confirmed correct"),
        null=True,
        blank=True,
        help_text=_("The date a partner or coordinator last confirmed this aanbod is still correct."),
    )
    aangemaakt_op = models.DateTimeField(_("created at"), auto_now_add=True)
    bijgewerkt_op = models.DateTimeField(_("updated at"), auto_now=True)
    # The full-text document on PostgreSQL, kept current by triggers (see migration
    # 0005_search); always empty on SQLite, where search falls back to icontains.
    search_vector = SearchVectorField(null=True, editable=False)

    # The public sees published aanbod of active partners (see huisvanhetkind/lib/scoping.py).
    objects = scoped_manager(AanbodQuerySet, partner="partner", public=lambda qs: qs.gepubliceerd())

    class Meta:
        verbose_name = _("aanbod")
        verbose_name_plural = _("aanbod")
        ordering = ["titel"]
        indexes = [
            models.Index(fields=["status", "soort"], name="aanbod_status_soort_idx"),
            models.Index(fields=["leeftijd_van", "leeftijd_tot"], name="aanbod_leeftijd_idx"),
            models.Index(fields=["kosten", "kansentarief"], name="aanbod_kosten_idx"),
            # The wegwijzer: counting what is published (index-only) and the A-to-Z page order.
            models.Index(fields=["status", "partner"], name="aanbod_status_partner_idx"),
            models.Index(fields=["titel", "id"], name="aanbod_titel_idx"),
            # What the wegwijzer's filters and sorts read of published aanbod, in a narrow covering index:
            # the table's rows carry the search document (some 3 KB each), so counting, filtering and
            # ordering every match reads this index (some 100 bytes a row) and never the table
            # (index-only scans; PostgreSQL only, SQLite keeps the plain partial index).
            models.Index(
                fields=["titel", "id"],
                include=[
                    "partner",
                    "soort",
                    "kosten",
                    "kansentarief",
                    "leeftijd_van",
                    "leeftijd_tot",
                    "aanstaande_ouders",
                ],
                condition=Q(status="gepubliceerd"),
                name="aanbod_wegwijzer_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(leeftijd_van__isnull=True) & Q(leeftijd_tot__isnull=True))
                | (
                    Q(leeftijd_van__isnull=False, leeftijd_tot__isnull=False)
                    & Q(leeftijd_van__lte=F("leeftijd_tot"))
                    & Q(leeftijd_tot__lte=MAX_LEEFTIJD)
                ),
                name="aanbod_leeftijd_low_to_high",
                violation_error_message=_("The age range must run from low to high (at most 25)."),
            ),
            models.CheckConstraint(
                condition=Q(prijs__isnull=True) | Q(prijs__gte=0),
                name="aanbod_prijs_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(kosten="betalend") | Q(prijs__isnull=False),
                name="aanbod_betalend_has_prijs",
                violation_error_message=_("A paid aanbod needs a price."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titel} ({self.partner})"

    def get_absolute_url(self) -> str:
        return reverse("aanbod_detail", kwargs={"slug": self.slug})

    @property
    def is_gratis(self) -> bool:
        return self.kosten == self.Kosten.GRATIS

    @property
    def is_gepubliceerd(self) -> bool:
        return self.status == self.Status.GEPUBLICEERD

    def voor_leeftijd(self, jaren: int) -> bool:
        if self.leeftijd_van is None:
            return True
        return self.leeftijd_van <= jaren <= self.leeftijd_tot


class VolgendeStart(models.Model):
    """PostgreSQL: an aanbod's next start, for the wegwijzer's "soonest activity" order.

    The start of its first not-cancelled activity that had not started when an activity of it was last
    written; no row when there was none. Written only by the database (triggers of migration
    0020_volgende_start), whatever writes the activities. Time makes a row stale once that activity starts:
    read it through `AanbodQuerySet.met_volgende_start()`, which is exact; the beat task
    `aanbod.refresh_volgende_start` rewrites stale rows so that few need the exact lookup. Empty on SQLite.

    A table of its own rather than a column of aanbod: an aanbod row is wide (its search document) and has
    some fifteen indexes (three GIN), so rewriting it for every activity written cost ~0.7 ms a row and
    made a bulk fill of activities 40% slower; a row here costs a few microseconds.
    """

    aanbod = models.OneToOneField(
        Aanbod, on_delete=models.CASCADE, primary_key=True, related_name="volgende_start"
    )
    start = models.DateTimeField(_("start"))

    objects = scoped_manager(
        models.QuerySet,
        partner="aanbod__partner",
        public=lambda qs: qs.filter(aanbod__status=Aanbod.Status.GEPUBLICEERD, aanbod__partner__actief=True),
    )

    class Meta:
        verbose_name = _("next start")
        verbose_name_plural = _("next starts")

    def __str__(self) -> str:
        return f"{self.aanbod_id}: {self.start:%Y-%m-%d %H:%M}"


class LocatieQuerySet(models.QuerySet):
    def beheerbaar(self) -> "LocatieQuerySet":
        """The locations a partner manages itself; shared ones (no partner) are kept in the admin."""
        return self.filter(partner__isnull=False)


class Locatie(SingleLineText, models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="locaties",
        verbose_name=_("partner"),
        help_text=_("The partner that manages this location; empty for shared ones."),
    )
    naam = models.CharField(_("name"), max_length=150)
    straat = models.CharField(_("street and number"), max_length=150)
    postcode = models.CharField(_("postcode"), max_length=4)
    gemeente = models.ForeignKey(
        Gemeente, on_delete=models.PROTECT, related_name="locaties", verbose_name=_("gemeente")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    rolstoeltoegankelijk = models.BooleanField(_("wheelchair accessible"), default=False)
    toelichting = models.CharField(_("directions"), max_length=250, blank=True)

    # Addresses are public; a partner's scope sees its own locations and the shared ones (to pick from).
    objects = scoped_manager(
        LocatieQuerySet, partner="partner", public=lambda qs: qs, shared=Q(partner__isnull=True)
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["naam"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="locatie_coordinates_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.naam}, {self.straat}, {self.postcode} {self.gemeente}"

    @property
    def adres(self) -> str:
        return f"{self.straat}, {self.postcode} {self.gemeente}"

    @property
    def osm_url(self) -> str:
        if self.latitude is not None and self.longitude is not None:
            return (
                f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
                f"#map=17/{self.latitude}/{self.longitude}"
            )
        from urllib.parse import quote

        return f"https://www.openstreetmap.org/search?query={quote(self.adres)}"


class Openingsuur(SingleLineText, models.Model):
    """A recurring weekly slot of an ongoing aanbod (the spelotheek on Wednesday 14–17)."""

    class Weekdag(models.IntegerChoices):
        MAANDAG = 0, _("Monday")
        DINSDAG = 1, _("Tuesday")
        WOENSDAG = 2, _("Wednesday")
        DONDERDAG = 3, _("Thursday")
        VRIJDAG = 4, _("Friday")
        ZATERDAG = 5, _("Saturday")
        ZONDAG = 6, _("Sunday")

    aanbod = models.ForeignKey(
        Aanbod, on_delete=models.CASCADE, related_name="openingsuren", verbose_name=_("aanbod")
    )
    locatie = models.ForeignKey(
        Locatie,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="openingsuren",
        verbose_name=_("location"),
    )
    weekdag = models.PositiveSmallIntegerField(_("weekday"), choices=Weekdag.choices)
    van = models.TimeField(pgettext_lazy("time", "from"))
    tot = models.TimeField(pgettext_lazy("time", "until"))
    opmerking = models.CharField(_("note"), max_length=150, blank=True)

    objects = scoped_manager(
        partner="aanbod__partner",
        public=lambda qs: qs.filter(aanbod__status=Aanbod.Status.GEPUBLICEERD, aanbod__partner__actief=True),
    )

    class Meta:
        verbose_name = _("opening hour")
        verbose_name_plural = _("opening hours")
        ordering = ["weekdag", "van"]
        constraints = [
            models.CheckConstraint(condition=Q(van__lt=F("tot")), name="openingsuur_van_before_tot"),
            models.CheckConstraint(
                condition=Q(weekdag__gte=0, weekdag__lte=6), name="openingsuur_weekdag_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekdag_display()} {self.van:%H:%M}–{self.tot:%H:%M}"


class Inschrijfregels(models.Model):
    """The registration rules a network may set on an activity or a series, each optional
    (aanbod/services/inschrijvingen/regels.py reads them)."""

    inschrijven_inwoners_vanaf = models.DateTimeField(
        _("registration opens for residents at"),
        null=True,
        blank=True,
        help_text=_(
            "Residents of the network's werkgebied (by the postcode they give) may register from this moment."
        ),
    )
    inschrijven_vanaf = models.DateTimeField(
        _("registration opens for everyone at"),
        null=True,
        blank=True,
        help_text=_("Empty: registration is open now (for residents from the moment above, if given)."),
    )
    annuleren_tot = models.DateTimeField(
        _("cancel online until"),
        null=True,
        blank=True,
        help_text=_("After this moment the manage page asks families to phone instead."),
    )
    leeftijd_controleren = models.BooleanField(
        _("check the child's age"),
        default=False,
        help_text=_("Ask the child's age in years and accept it only within the aanbod's age range."),
    )

    class Meta:
        abstract = True

    @property
    def inschrijven_opent_op(self):
        """When the first families may register (residents, or everyone); None: open already.
        Who may register when is `aanbod.services.inschrijvingen.regels`."""
        momenten = [m for m in (self.inschrijven_inwoners_vanaf, self.inschrijven_vanaf) if m]
        return min(momenten) if momenten else None

    @property
    def is_nog_niet_open(self) -> bool:
        opent = self.inschrijven_opent_op
        return opent is not None and timezone.now() < opent


class ReeksQuerySet(models.QuerySet):
    def gepubliceerd(self) -> "ReeksQuerySet":
        return self.filter(aanbod__status=Aanbod.Status.GEPUBLICEERD, aanbod__partner__actief=True)


class Plaatsen:
    """Places of what families register for (an activity, or a whole series): `capaciteit`, `einde` and
    `_inschrijving_lookup` (the registration's foreign key to it) come from the model."""

    _inschrijving_lookup: str

    @property
    def plaatsen_bezet(self) -> int:
        if hasattr(self, "bezet"):
            return self.bezet
        # Places taken are public (the wegwijzer shows places left), so they are counted past the scope:
        # a visitor's scope sees no registrations.
        confirmed = Inschrijving._base_manager.filter(
            **{self._inschrijving_lookup: self}, status=Inschrijving.Status.BEVESTIGD
        )
        return confirmed.aggregate(n=Coalesce(Sum("aantal_personen"), 0))["n"]

    @property
    def plaatsen_vrij(self) -> int | None:
        """Places left, or None when there is no limit."""
        if self.capaciteit is None:
            return None
        return max(self.capaciteit - self.plaatsen_bezet, 0)

    @property
    def is_volzet(self) -> bool:
        return self.capaciteit is not None and self.plaatsen_vrij == 0

    @property
    def is_voorbij(self) -> bool:
        return self.einde < timezone.now()


class Reeks(Plaatsen, Inschrijfregels, SingleLineText, models.Model):
    """A series of meetings (a course) that families register for as one.

    Capacity, the waiting list and the registration deadline belong to the series; each meeting is an
    Activiteit with `reeks` set (its own date, location, attendance). The series quacks like an
    Activiteit where the registration rules need it (`capaciteit`, `deadline`, `start`, `plaatsen_vrij`,
    …), so one function per rule serves both (aanbod/services/inschrijvingen/state.py).
    """

    _inschrijving_lookup = "reeks"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aanbod = models.ForeignKey(
        Aanbod, on_delete=models.CASCADE, related_name="reeksen", verbose_name=_("aanbod")
    )
    titel = models.CharField(
        _("title"), max_length=150, blank=True, help_text=_("Only when it differs from the aanbod's title.")
    )
    capaciteit = models.PositiveIntegerField(
        _("capacity (persons)"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    max_personen_per_inschrijving = models.PositiveSmallIntegerField(
        _("maximum persons per registration"), default=2, validators=[MinValueValidator(1)]
    )
    inschrijven_tot = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    laat_instappen_tot = models.ForeignKey(
        "Activiteit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("late joining allowed until"),
        help_text=_("Families may still join until this meeting starts; empty: only before the first one."),
    )
    herinnering_per_bijeenkomst = models.BooleanField(
        _("reminder before every meeting"),
        default=False,
        help_text=_("Otherwise one reminder before the first meeting only."),
    )
    geannuleerd = models.BooleanField(_("cancelled"), default=False)
    geannuleerd_op = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    annulering_reden = models.CharField(_("reason for cancellation"), max_length=250, blank=True)
    annulering_gemeld_op = models.DateTimeField(
        _("registrants told of cancellation at"), null=True, blank=True
    )
    aangemaakt_op = models.DateTimeField(_("created at"), auto_now_add=True)
    bijgewerkt_op = models.DateTimeField(_("updated at"), auto_now=True)

    objects = scoped_manager(ReeksQuerySet, partner="aanbod__partner", public=lambda qs: qs.gepubliceerd())

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["aanbod", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capaciteit__isnull=True) | Q(capaciteit__gte=0),
                name="reeks_capaciteit_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(max_personen_per_inschrijving__gte=1), name="reeks_max_personen_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.naam

    def get_absolute_url(self) -> str:
        return reverse("aanbod_detail", kwargs={"slug": self.aanbod.slug}) + f"#reeks-{self.pk}"

    @property
    def naam(self) -> str:
        return self.titel or self.aanbod.titel

    def _bijeenkomsten(self) -> list["Activiteit"]:
        # Meetings are public with their aanbod, so they are read past the scope (as places taken are).
        cache = getattr(self, "_bijeenkomsten_cache", None)
        if cache is None:
            cache = list(Activiteit._base_manager.filter(reeks=self).order_by("start", "id"))
            self._bijeenkomsten_cache = cache
        return cache

    @property
    def bijeenkomsten(self) -> list["Activiteit"]:
        """The meetings in date order (cancelled ones included)."""
        return self._bijeenkomsten()

    @property
    def aantal_bijeenkomsten(self) -> int:
        return len(self._bijeenkomsten())

    @property
    def start(self):
        meetings = self._bijeenkomsten()
        return meetings[0].start if meetings else timezone.now()

    @property
    def einde(self):
        meetings = self._bijeenkomsten()
        return meetings[-1].einde if meetings else timezone.now()

    @property
    def laatste_start(self):
        meetings = self._bijeenkomsten()
        return meetings[-1].start if meetings else timezone.now()

    @property
    def locatie(self):
        meetings = self._bijeenkomsten()
        return meetings[0].locatie if meetings else None

    @property
    def locatie_id(self):
        meetings = self._bijeenkomsten()
        return meetings[0].locatie_id if meetings else None

    @property
    def online(self) -> bool:
        meetings = self._bijeenkomsten()
        return bool(meetings) and all(m.online for m in meetings)

    @property
    def inschrijving_nodig(self) -> bool:
        return True

    @property
    def deadline(self):
        """Registration closes at `inschrijven_tot`, else when the late-joining meeting (or the first)
        starts."""
        if self.inschrijven_tot:
            return self.inschrijven_tot
        if self.laat_instappen_tot_id:
            return self.laat_instappen_tot.start
        return self.start

    @property
    def wachtlijst_tot(self):
        """Until when the waiting list still moves up: as long as a family may still join."""
        return self.deadline

    @property
    def inschrijving_open(self) -> bool:
        return (
            not self.geannuleerd
            and self.aanbod.is_gepubliceerd
            and timezone.now() < self.deadline
            and not self.is_nog_niet_open
        )


class ActiviteitQuerySet(models.QuerySet):
    def gepubliceerd(self) -> "ActiviteitQuerySet":
        return self.filter(aanbod__status=Aanbod.Status.GEPUBLICEERD, aanbod__partner__actief=True)

    def komend(self) -> "ActiviteitQuerySet":
        return self.filter(einde__gte=timezone.now())

    def met_bezetting(self) -> "ActiviteitQuerySet":
        """Annotate persons confirmed (`bezet`) and on the waiting list (`wachtend`).

        Correlated subqueries, not a join with GROUP BY: the database can then walk the start index and
        stop at the page's last row instead of aggregating every upcoming activity first (the agenda
        went from ~800 ms to a few at 50,000 activities), and a count() leaves them out. Counted past
        the scope (`_base_manager`): places taken are public numbers, even where registrations are not.
        """

        def personen(status: str):
            totaal = (
                Inschrijving._base_manager.filter(activiteit_id=OuterRef("pk"), status=status)
                .order_by()
                .values("activiteit_id")
                .annotate(totaal=Sum("aantal_personen"))
                .values("totaal")
            )
            return Coalesce(Subquery(totaal, output_field=models.IntegerField()), 0)

        return self.annotate(bezet=personen("bevestigd"), wachtend=personen("wachtlijst"))

    def with_deel(self) -> "ActiviteitQuerySet":
        """Annotate `deel_nr` and `deel_van` ("part n of m" of a series; NULL for a single activity)."""
        same_reeks = Activiteit._base_manager.filter(reeks=models.OuterRef("reeks")).order_by()
        count = models.Func(F("pk"), function="COUNT")
        return self.annotate(
            deel_nr=models.Subquery(
                same_reeks.filter(
                    Q(start__lt=models.OuterRef("start"))
                    | Q(start=models.OuterRef("start"), pk__lte=models.OuterRef("pk"))
                )
                .values("reeks")
                .annotate(n=count)
                .values("n")
            ),
            deel_van=models.Subquery(same_reeks.values("reeks").annotate(n=count).values("n")),
        )


class Activiteit(Plaatsen, Inschrijfregels, SingleLineText, models.Model):
    """One dated occurrence of an aanbod."""

    _inschrijving_lookup = "activiteit"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aanbod = models.ForeignKey(
        Aanbod, on_delete=models.CASCADE, related_name="activiteiten", verbose_name=_("aanbod")
    )
    reeks = models.ForeignKey(
        Reeks,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activiteiten",
        verbose_name=_("series"),
        help_text=_("Empty for a single activity or a drop-in moment."),
    )
    titel = models.CharField(
        _("title"), max_length=150, blank=True, help_text=_("Only when it differs from the aanbod's title.")
    )
    start = models.DateTimeField(_("start"))
    einde = models.DateTimeField(_("end"))
    locatie = models.ForeignKey(
        Locatie,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activiteiten",
        verbose_name=_("location"),
    )
    online = models.BooleanField(_("online"), default=False)
    capaciteit = models.PositiveIntegerField(
        _("capacity (persons)"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    max_personen_per_inschrijving = models.PositiveSmallIntegerField(
        _("maximum persons per registration"), default=4, validators=[MinValueValidator(1)]
    )
    inschrijving_nodig = models.BooleanField(_("registration needed"), default=True)
    inschrijven_tot = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    geannuleerd = models.BooleanField(_("cancelled"), default=False)
    geannuleerd_op = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    annulering_reden = models.CharField(_("reason for cancellation"), max_length=250, blank=True)
    annulering_gemeld_op = models.DateTimeField(
        _("registrants told of cancellation at"), null=True, blank=True
    )
    aangemaakt_op = models.DateTimeField(_("created at"), auto_now_add=True)
    bijgewerkt_op = models.DateTimeField(_("updated at"), auto_now=True)

    objects = scoped_manager(
        ActiviteitQuerySet, partner="aanbod__partner", public=lambda qs: qs.gepubliceerd()
    )

    class Meta:
        verbose_name = _("activiteit")
        verbose_name_plural = _("activiteiten")
        ordering = ["start"]
        indexes = [
            # The agenda: coming activities (einde >= now) in order of start. With einde in the index the
            # activities that have ended are skipped in the index, without reading their rows.
            models.Index(fields=["start", "einde"], name="activiteit_start_einde_idx"),
            models.Index(fields=["aanbod", "start"], name="activiteit_aanbod_start_idx"),
            # The wegwijzer's "soonest activity" sort and van/tot filter look up each aanbod's coming,
            # not cancelled activities: this index answers them without reading the rows.
            models.Index(
                fields=["aanbod", "start"], condition=Q(geannuleerd=False), name="activiteit_komend_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(einde__gt=F("start")),
                name="activiteit_einde_after_start",
                violation_error_message=_("An activity must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(capaciteit__isnull=True) | Q(capaciteit__gte=0),
                name="activiteit_capaciteit_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(max_personen_per_inschrijving__gte=1), name="activiteit_max_personen_positive"
            ),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.start)
        return f"{self.naam} — {start:%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("aanbod_detail", kwargs={"slug": self.aanbod.slug}) + f"#activiteit-{self.pk}"

    @property
    def naam(self) -> str:
        return self.titel or self.aanbod.titel

    @property
    def deadline(self):
        return self.inschrijven_tot or self.start

    @property
    def wachtlijst_tot(self):
        """Until when the waiting list still moves up: the start."""
        return self.start

    @property
    def laatste_start(self):
        """Until when a registrant may still change or cancel."""
        return self.start

    @property
    def deel(self) -> tuple[int, int] | None:
        """(n, m) for "meeting n of m" of a series; None for a single activity."""
        if not self.reeks_id:
            return None
        if getattr(self, "deel_van", None):
            return self.deel_nr, self.deel_van
        meetings = self.reeks.bijeenkomsten
        ids = [m.pk for m in meetings]
        return (ids.index(self.pk) + 1 if self.pk in ids else 0), len(ids)

    @property
    def inschrijving_open(self) -> bool:
        return (
            self.inschrijving_nodig
            and not self.geannuleerd
            and self.aanbod.is_gepubliceerd
            and timezone.now() < self.deadline
            and not self.is_nog_niet_open
        )


class InschrijvingQuerySet(models.QuerySet):
    def actief(self) -> "InschrijvingQuerySet":
        return self.exclude(status=Inschrijving.Status.GEANNULEERD)

    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(), where a registration gets its manage token.
        objs = list(objs)
        for obj in objs:
            if not obj.token_hash:
                obj.token = new_token()
        return super().bulk_create(objs, *args, **kwargs)


class Inschrijving(SingleLineText, models.Model):
    class Status(models.TextChoices):
        BEVESTIGD = "bevestigd", _("Confirmed")
        WACHTLIJST = "wachtlijst", _("Waiting list")
        GEANNULEERD = "geannuleerd", _("Cancelled")

    # A registration is for one activity or for a whole series, never both (inschrijving_activiteit_or_reeks).
    activiteit = models.ForeignKey(
        Activiteit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inschrijvingen",
        verbose_name=_("activiteit"),
    )
    reeks = models.ForeignKey(
        Reeks,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inschrijvingen",
        verbose_name=_("series"),
    )
    naam = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    telefoon = models.CharField(_("phone"), max_length=30, blank=True)
    aantal_personen = models.PositiveSmallIntegerField(_("number of persons"), default=1)
    # The postcode of residence: not personal on its own, so it is kept when the personal data is erased
    # (the municipality report counts families reached per gemeente of residence, under suppression).
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.BEVESTIGD, db_index=True
    )
    taal = models.CharField(_("language"), max_length=8, default="nl-be")
    # The manage link's token is stored as an HMAC (looked up) and sealed (for the later mails): see
    # aanbod/tokens.py. `token` is a property: the plain token, in memory only.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_seal = models.CharField(max_length=128, blank=True, editable=False)
    aangemaakt_op = models.DateTimeField(_("registered at"), default=timezone.now)
    bijgewerkt_op = models.DateTimeField(_("updated at"), auto_now=True)
    geannuleerd_op = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    herinnering_geclaimd_op = models.DateTimeField(null=True, blank=True, editable=False)
    herinnering_verstuurd_op = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    # A series registration: the meeting the last claimed reminder was for (claimed once per meeting).
    herinnering_voor = models.ForeignKey(
        Activiteit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("last reminder for meeting"),
    )
    # The status mail (confirmation, waiting list, moved up, activity cancelled) tells the parent the
    # registration's current state. It is claimed and marked like the reminder, so the periodic scan
    # delivers one that a lost Celery message or a broker outage left unsent; NULL = not yet told.
    statusmail_geclaimd_op = models.DateTimeField(null=True, blank=True, editable=False)
    statusmail_verstuurd_op = models.DateTimeField(_("status e-mail sent at"), null=True, blank=True)
    doorgeschoven_op = models.DateTimeField(_("moved up from the waiting list at"), null=True, blank=True)
    aanwezig = models.BooleanField(_("attended"), null=True, blank=True)
    gewist_op = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    # Personal data: no public rows; a registrant reaches their own by its token (scopes disabled).
    objects = scoped_manager(
        InschrijvingQuerySet, partner=("activiteit__aanbod__partner", "reeks__aanbod__partner")
    )

    class Meta:
        verbose_name = _("inschrijving")
        verbose_name_plural = _("inschrijvingen")
        ordering = ["aangemaakt_op", "id"]
        indexes = [
            models.Index(fields=["activiteit", "status"], name="inschrijving_act_status_idx"),
            models.Index(
                fields=["status", "herinnering_verstuurd_op"],
                name="inschrijving_herinnering_idx",
            ),
            models.Index(
                fields=["activiteit"],
                condition=Q(statusmail_verstuurd_op__isnull=True),
                name="inschrijving_statusmail_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(aantal_personen__gte=1), name="inschrijving_min_one_person"),
            models.UniqueConstraint(
                fields=["activiteit", "email"],
                condition=~Q(status="geannuleerd") & ~Q(email=""),
                name="inschrijving_one_active_per_email",
                violation_error_message=_("This e-mail address is already registered for this activity."),
            ),
            models.UniqueConstraint(
                fields=["reeks", "email"],
                condition=~Q(status="geannuleerd") & ~Q(email=""),
                name="inschrijving_one_active_per_email_reeks",
                violation_error_message=_("This e-mail address is already registered for this series."),
            ),
            models.CheckConstraint(
                condition=Q(activiteit__isnull=False, reeks__isnull=True)
                | Q(activiteit__isnull=True, reeks__isnull=False),
                name="inschrijving_activiteit_or_reeks",
                violation_error_message=_("A registration is for one activity or for one series."),
            ),
        ]

    def __str__(self) -> str:
        # No name, address or activity: this text is copied into the admin's history (object_repr),
        # which must not outlive the retention period of the personal data.
        return f"{self._meta.model_name} #{self.pk}"

    def save(self, *args, **kwargs):
        if not self.token_hash:
            self.token = new_token()
            if (update_fields := kwargs.get("update_fields")) is not None:
                kwargs["update_fields"] = {*update_fields, "token_hash", "token_seal"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("inschrijving_manage", kwargs={"token": self.token})

    @property
    def token(self) -> str:
        """The plain token of the manage link ("" once erased); never stored in clear."""
        if getattr(self, "_token", None) is None:
            self._token = token_unseal(self.token_seal, self.token_hash)
        return self._token

    @token.setter
    def token(self, value: str) -> None:
        self._token = value
        self.token_hash, self.token_seal = token_stored_forms(value)

    @property
    def doel(self) -> "Activiteit | Reeks":
        """What this registration is for: the activity, or the whole series."""
        return self.reeks if self.reeks_id else self.activiteit

    @property
    def bijeenkomsten(self) -> list[Activiteit]:
        """Every meeting this registration covers: the one activity, or each meeting of the series."""
        return self.reeks.bijeenkomsten if self.reeks_id else [self.activiteit]

    @property
    def manage_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()


class Aanwezigheid(models.Model):
    """Whether a series registration's family came to one meeting (a single activity's attendance is
    `Inschrijving.aanwezig`). Holds no personal data of its own: it stays when the registration's
    personal data is erased."""

    inschrijving = models.ForeignKey(
        Inschrijving, on_delete=models.CASCADE, related_name="aanwezigheden", verbose_name=_("inschrijving")
    )
    activiteit = models.ForeignKey(
        Activiteit, on_delete=models.CASCADE, related_name="aanwezigheden", verbose_name=_("activiteit")
    )
    aanwezig = models.BooleanField(_("attended"))
    bijgewerkt_op = models.DateTimeField(_("updated at"), auto_now=True)

    objects = scoped_manager(models.QuerySet, partner="activiteit__aanbod__partner")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["inschrijving", "activiteit"], name="aanwezigheid_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.model_name} #{self.pk}"


class AanbodImport(Aanbod):
    """The admin's entry for importing aanbod and activities from a spreadsheet (aanbod/admin_import.py)."""

    class Meta:
        proxy = True
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("import from a spreadsheet")
