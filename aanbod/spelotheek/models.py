"""The spelotheek: toys that a partner lends (Speelgoed), member households (Lid), loans (Uitlening),
reservations (Reservatie) and the anonymous counts a loan leaves behind (UitleenTelling).

Every model belongs to one spelotheek, a Partner, and has a scoped default manager: outside a scope a
query raises. The public sees the catalogue (`Speelgoed` that can be lent) and nothing else.
"""

import hashlib
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanbod.models import MAX_LEEFTIJD, Levensfase
from huisvanhetkind.lib.scoping import scoped_manager
from partners.models import Gemeente, Partner


def token_hash(token: str) -> str:
    """What is stored of a member's link token: its SHA-256 (the link itself is the secret)."""
    return hashlib.sha256(token.encode()).hexdigest()


class Categorie(models.TextChoices):
    BEWEGEN = "bewegen", _("Movement")
    FANTASIE = "fantasie", _("Pretend play")
    BOUWEN = "bouwen", _("Building")
    PUZZELS = "puzzels", _("Puzzles")
    GEZELSCHAPSSPELEN = "gezelschapsspelen", _("Board games")
    BABY = "baby", _("Baby")
    TAAL = "taal", _("Language")
    MUZIEK = "muziek", _("Music")
    ONTDEKKEN = "ontdekken", _("Discovering")


class SpeelgoedQuerySet(models.QuerySet):
    def in_catalogus(self) -> "SpeelgoedQuerySet":
        """What a family can find: not in repair, not withdrawn, of an active partner."""
        return self.filter(status__in=Speelgoed.IN_CATALOGUS, partner__actief=True)


class Speelgoed(models.Model):
    class Status(models.TextChoices):
        BESCHIKBAAR = "beschikbaar", _("Available")
        GERESERVEERD = "gereserveerd", _("Reserved, waiting to be collected")
        UITGELEEND = "uitgeleend", _("Lent out")
        IN_HERSTEL = "in_herstel", _("In repair")
        UIT_COLLECTIE = "uit_collectie", _("Withdrawn")

    IN_CATALOGUS = (Status.BESCHIKBAAR, Status.GERESERVEERD, Status.UITGELEEND)

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="speelgoed", verbose_name=_("spelotheek")
    )
    code = models.CharField(_("code"), max_length=30, help_text=_("The code on the item's label."))
    naam = models.CharField(_("name"), max_length=150)
    beschrijving = models.TextField(_("description"), blank=True)
    foto = models.ImageField(_("photo"), upload_to="spelotheek/", blank=True)
    leeftijd_van = models.PositiveSmallIntegerField(
        _("from age"), default=0, validators=[MaxValueValidator(MAX_LEEFTIJD)]
    )
    leeftijd_tot = models.PositiveSmallIntegerField(
        _("up to age"), default=12, validators=[MaxValueValidator(MAX_LEEFTIJD)]
    )
    categorie = models.CharField(_("category"), max_length=30, choices=Categorie.choices, db_index=True)
    aantal_stukken = models.PositiveSmallIntegerField(_("number of pieces"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.BESCHIKBAAR, db_index=True
    )
    # The due date of the open loan, kept by the services so the catalogue needs no join to show it.
    terug_verwacht_op = models.DateField(_("expected back on"), null=True, blank=True, editable=False)
    opmerking = models.CharField(_("note for the counter"), max_length=250, blank=True)
    aangemaakt_op = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = scoped_manager(SpeelgoedQuerySet, partner="partner", public=lambda qs: qs.in_catalogus())

    class Meta:
        verbose_name = _("toy")
        verbose_name_plural = _("toys")
        ordering = ["naam", "pk"]
        indexes = [
            models.Index(fields=["status", "categorie"], name="speelgoed_status_cat_idx"),
            models.Index(fields=["leeftijd_van", "leeftijd_tot"], name="speelgoed_leeftijd_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "code"],
                name="speelgoed_code_unique_per_partner",
                violation_error_message=_("This spelotheek already has an item with this code."),
            ),
            models.CheckConstraint(
                condition=Q(leeftijd_van__lte=F("leeftijd_tot")), name="speelgoed_leeftijd_van_lte_tot"
            ),
            models.CheckConstraint(condition=Q(aantal_stukken__gte=1), name="speelgoed_at_least_one_piece"),
            models.CheckConstraint(
                condition=Q(status="uitgeleend") | Q(terug_verwacht_op__isnull=True),
                name="speelgoed_due_date_only_when_lent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.naam}"

    def get_absolute_url(self) -> str:
        return reverse("spelotheek_detail", kwargs={"pk": self.pk})

    @property
    def beschikbaar(self) -> bool:
        return self.status == self.Status.BESCHIKBAAR

    @property
    def leeftijdsband(self) -> str:
        """The life stage the youngest age of this item falls in (for the anonymous counts)."""
        for stage in Levensfase:
            ages = stage.leeftijden
            if ages and ages[0] <= self.leeftijd_van < ages[1]:
                return stage.value
        return Levensfase.TIENER.value


class LidQuerySet(models.QuerySet):
    def actief_op(self, dag: date) -> "LidQuerySet":
        return self.filter(lid_van__lte=dag, lid_tot__gte=dag)


class Lid(models.Model):
    """A member household of one spelotheek: a name and one way to reach them, nothing more."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="spelotheek_leden", verbose_name=_("spelotheek")
    )
    lidnummer = models.CharField(_("member number"), max_length=20)
    naam = models.CharField(_("household name"), max_length=120)
    email = models.EmailField(_("e-mail"), blank=True)
    telefoon = models.CharField(_("phone"), max_length=30, blank=True)
    postcode = models.CharField(
        _("postcode"),
        max_length=4,
        blank=True,
        help_text=_("Only for anonymous figures per municipality."),
    )
    taal = models.CharField(_("language"), max_length=8, default="nl-be")
    lid_van = models.DateField(_("member from"), default=timezone.localdate)
    lid_tot = models.DateField(_("member until"))
    bijdrage = models.DecimalField(_("fee"), max_digits=6, decimal_places=2, default=0)
    kansentarief = models.BooleanField(_("kansentarief"), default=False)
    laatst_geleend_op = models.DateTimeField(_("last borrowed at"), null=True, blank=True, editable=False)
    aangemaakt_op = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    verloopt_verstuurd_op = models.DateTimeField(
        _("expiry reminder sent at"), null=True, blank=True, editable=False
    )

    objects = scoped_manager(LidQuerySet, partner="partner")

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["naam", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "lidnummer"],
                name="lid_nummer_unique_per_partner",
                violation_error_message=_("This member number is already in use."),
            ),
            models.CheckConstraint(condition=~Q(email="") | ~Q(telefoon=""), name="lid_has_one_contact"),
            models.CheckConstraint(condition=Q(lid_van__lte=F("lid_tot")), name="lid_period_in_order"),
            models.CheckConstraint(condition=Q(bijdrage__gte=0), name="lid_bijdrage_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.lidnummer} {self.naam}"

    def is_actief(self, dag: date | None = None) -> bool:
        dag = dag or timezone.localdate()
        return self.lid_van <= dag <= self.lid_tot


class LidBetaling(models.Model):
    """A membership fee taken at the counter: recorded, not processed."""

    lid = models.ForeignKey(
        Lid, on_delete=models.CASCADE, related_name="betalingen", verbose_name=_("member")
    )
    bedrag = models.DecimalField(_("amount"), max_digits=6, decimal_places=2)
    kansentarief = models.BooleanField(_("kansentarief"), default=False)
    betaald_op = models.DateTimeField(_("paid at"), default=timezone.now)
    lid_tot = models.DateField(_("membership now runs until"))
    geregistreerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = scoped_manager(partner="lid__partner")

    class Meta:
        verbose_name = _("membership payment")
        verbose_name_plural = _("membership payments")
        ordering = ["-betaald_op"]
        constraints = [
            models.CheckConstraint(condition=Q(bedrag__gte=0), name="lidbetaling_bedrag_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.lid} € {self.bedrag}"


class LidToegang(models.Model):
    """A mailed link that lets a member in without an account; only the token's hash is stored."""

    lid = models.ForeignKey(Lid, on_delete=models.CASCADE, related_name="toegangen")
    token_hash = models.CharField(max_length=64, unique=True)
    speelgoed = models.ForeignKey(
        Speelgoed, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    vervalt_op = models.DateTimeField()

    objects = scoped_manager(partner="lid__partner")

    class Meta:
        verbose_name = _("member link")
        verbose_name_plural = _("member links")

    def __str__(self) -> str:
        return f"{self.lid_id} until {self.vervalt_op:%Y-%m-%d %H:%M}"


class Uitlening(models.Model):
    class Controle(models.TextChoices):
        COMPLEET = "compleet", _("Complete")
        ONTBREKEN = "ontbreken", _("Pieces missing")
        BESCHADIGD = "beschadigd", _("Damaged")

    speelgoed = models.ForeignKey(
        Speelgoed, on_delete=models.PROTECT, related_name="uitleningen", verbose_name=_("toy")
    )
    lid = models.ForeignKey(
        Lid, on_delete=models.PROTECT, related_name="uitleningen", verbose_name=_("member")
    )
    uitgeleend_op = models.DateTimeField(_("lent at"), default=timezone.now)
    terug_op = models.DateField(_("due back on"))
    verlengingen = models.PositiveSmallIntegerField(_("renewals"), default=0)
    teruggebracht_op = models.DateTimeField(_("returned at"), null=True, blank=True)
    controle = models.CharField(_("pieces check"), max_length=20, choices=Controle.choices, blank=True)
    ontbrekende_stukken = models.PositiveSmallIntegerField(_("pieces missing"), default=0)
    opvolging_open = models.BooleanField(
        _("follow-up open"), default=False, help_text=_("Missing pieces the family may still bring back.")
    )
    opmerking = models.CharField(_("note"), max_length=250, blank=True)
    herinnering_verstuurd_op = models.DateTimeField(_("due-soon reminder sent at"), null=True, blank=True)
    te_laat_verstuurd_op = models.DateTimeField(_("overdue reminder sent at"), null=True, blank=True)

    objects = scoped_manager(partner="speelgoed__partner")

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-uitgeleend_op", "-pk"]
        indexes = [
            models.Index(
                fields=["terug_op"], condition=Q(teruggebracht_op__isnull=True), name="uitlening_open_due_idx"
            ),
        ]
        constraints = [
            # One toy never goes to two families: at most one loan per item is not yet returned.
            models.UniqueConstraint(
                fields=["speelgoed"],
                condition=Q(teruggebracht_op__isnull=True),
                name="uitlening_one_open_per_speelgoed",
                violation_error_message=_("This item is already lent out."),
            ),
            models.CheckConstraint(
                condition=Q(teruggebracht_op__isnull=True) | ~Q(controle=""),
                name="uitlening_returned_has_check",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.speelgoed} → {self.lid}"

    @property
    def is_open(self) -> bool:
        return self.teruggebracht_op is None

    @property
    def te_laat(self) -> bool:
        return self.is_open and self.terug_op < timezone.localdate()


class Reservatie(models.Model):
    class Status(models.TextChoices):
        WACHTEND = "wachtend", _("In the queue")
        KLAAR = "klaar", _("Ready to collect")
        OPGEHAALD = "opgehaald", _("Collected")
        VERVALLEN = "vervallen", _("Lapsed")
        GEANNULEERD = "geannuleerd", _("Cancelled")

    ACTIEF = (Status.WACHTEND, Status.KLAAR)

    speelgoed = models.ForeignKey(
        Speelgoed, on_delete=models.CASCADE, related_name="reservaties", verbose_name=_("toy")
    )
    lid = models.ForeignKey(
        Lid, on_delete=models.CASCADE, related_name="reservaties", verbose_name=_("member")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WACHTEND, db_index=True
    )
    aangemaakt_op = models.DateTimeField(_("reserved at"), default=timezone.now)
    klaar_op = models.DateTimeField(_("ready since"), null=True, blank=True)
    ophalen_tot = models.DateTimeField(_("collect before"), null=True, blank=True)
    klaar_verstuurd_op = models.DateTimeField(_("ready mail sent at"), null=True, blank=True)

    objects = scoped_manager(partner="speelgoed__partner")

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["aangemaakt_op", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["speelgoed"], condition=Q(status="klaar"), name="reservatie_one_ready_per_speelgoed"
            ),
            models.UniqueConstraint(
                fields=["speelgoed", "lid"],
                condition=Q(status__in=["wachtend", "klaar"]),
                name="reservatie_one_active_per_lid",
                violation_error_message=_("You have already reserved this item."),
            ),
            models.CheckConstraint(
                condition=~Q(status="klaar") | Q(ophalen_tot__isnull=False),
                name="reservatie_ready_has_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.speelgoed} ← {self.lid} ({self.get_status_display()})"


class UitleenTelling(models.Model):
    """What a loan leaves after it is closed: a count per month, item, age band and gemeente. No person."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="+", verbose_name=_("spelotheek")
    )
    maand = models.DateField(_("month"))
    speelgoed = models.ForeignKey(
        Speelgoed, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("toy")
    )
    leeftijdsband = models.CharField(_("age band"), max_length=12, choices=Levensfase.choices)
    gemeente = models.ForeignKey(
        Gemeente,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemeente"),
    )
    aantal = models.PositiveIntegerField(_("number of loans"), default=0)

    objects = scoped_manager(partner="partner")

    class Meta:
        verbose_name = _("loan count")
        verbose_name_plural = _("loan counts")
        ordering = ["-maand", "pk"]
        indexes = [models.Index(fields=["maand", "gemeente"], name="uitleentelling_maand_gem_idx")]

    def __str__(self) -> str:
        return f"{self.maand:%Y-%m} {self.leeftijdsband}: {self.aantal}"


class Spelotheekregels(models.Model):
    """One spelotheek's own rules, where they differ from the settings' defaults (empty: the default)."""

    partner = models.OneToOneField(
        Partner, on_delete=models.CASCADE, related_name="spelotheekregels", verbose_name=_("spelotheek")
    )
    max_uitleningen = models.PositiveSmallIntegerField(
        _("items at a time per member"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    uitleendagen = models.PositiveSmallIntegerField(
        _("loan period in days"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    max_verlengingen = models.PositiveSmallIntegerField(_("renewals allowed"), null=True, blank=True)

    objects = scoped_manager(partner="partner")

    class Meta:
        verbose_name = _("toy library rules")
        verbose_name_plural = _("toy library rules")

    def __str__(self) -> str:
        return str(self.partner)


class SpeelgoedImport(Speelgoed):
    """The admin's entry for importing an inventory from a spreadsheet (aanbod/spelotheek/admin.py)."""

    class Meta:
        proxy = True
        verbose_name = _("inventory import")
        verbose_name_plural = _("import an inventory from a spreadsheet")
