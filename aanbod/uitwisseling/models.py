"""What the portal keeps about its publications in UiTdatabank.

- `UitPublicatie`: per aanbod, the partner's or coordinator's choice "also in UiTdatabank".
- `UitOrganisator` and `UitPlaats`: which UiTdatabank organizer a partner is, and which place a location
  is. Found once by searching (publiq requires reuse; creating is the last resort), then reused.
- `UitEvent`: one event in UiTdatabank and its state. An event is one activity (calendarType single), the
  meetings of one series, a Reeks (multiple), or the opening hours of an ongoing aanbod (permanent).
- `UitOutbox`: the durable outbox. Every change that UiTdatabank must hear about is a row, written in the
  transaction that made the change; a Celery task claims each row atomically and sends it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanbod.models import Aanbod, Activiteit, Locatie, Reeks
from huisvanhetkind.lib.scoping import scoped_manager
from partners.models import Partner


class UitPublicatie(models.Model):
    aanbod = models.OneToOneField(
        Aanbod, on_delete=models.CASCADE, related_name="uitpublicatie", verbose_name=_("aanbod")
    )
    actief = models.BooleanField(_("also in UiTdatabank"), default=False)
    gewijzigd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    gewijzigd_op = models.DateTimeField(_("changed at"), default=timezone.now)

    objects = scoped_manager(partner="aanbod__partner")

    class Meta:
        verbose_name = _("UiTdatabank publication")
        verbose_name_plural = _("UiTdatabank publications")

    def __str__(self) -> str:
        return f"{self.aanbod} → UiTdatabank" if self.actief else f"{self.aanbod} (not in UiTdatabank)"


class UitOrganisator(models.Model):
    """The UiTdatabank organizer of a partner (found by website or name, or created when none matched)."""

    partner = models.OneToOneField(
        Partner, on_delete=models.CASCADE, related_name="uitorganisator", verbose_name=_("partner")
    )
    uit_id = models.CharField(_("UiTdatabank id"), max_length=64)
    url = models.URLField(_("UiTdatabank URL"), max_length=300)
    aangemaakt = models.BooleanField(
        _("created by the portal"), default=False, help_text=_("Off: an existing organizer was reused.")
    )
    gekoppeld_op = models.DateTimeField(_("linked at"), default=timezone.now)

    objects = scoped_manager(partner="partner")

    class Meta:
        verbose_name = _("UiTdatabank organizer")
        verbose_name_plural = _("UiTdatabank organizers")

    def __str__(self) -> str:
        return f"{self.partner} = {self.url}"


class UitPlaats(models.Model):
    """The UiTdatabank place of a location (found by name and postcode, or created when none matched)."""

    locatie = models.OneToOneField(
        Locatie, on_delete=models.CASCADE, related_name="uitplaats", verbose_name=_("location")
    )
    uit_id = models.CharField(_("UiTdatabank id"), max_length=64)
    url = models.URLField(_("UiTdatabank URL"), max_length=300)
    aangemaakt = models.BooleanField(
        _("created by the portal"), default=False, help_text=_("Off: an existing place was reused.")
    )
    gekoppeld_op = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        verbose_name = _("UiTdatabank place")
        verbose_name_plural = _("UiTdatabank places")

    def __str__(self) -> str:
        return f"{self.locatie.naam} = {self.url}"


class UitEvent(models.Model):
    class Soort(models.TextChoices):
        ACTIVITEIT = "activiteit", _("One activity (single)")
        REEKS = "reeks", _("The meetings of a course (multiple)")
        OPENINGSUREN = "openingsuren", _("Opening hours (permanent)")

    aanbod = models.ForeignKey(
        Aanbod, on_delete=models.CASCADE, related_name="uitevents", verbose_name=_("aanbod")
    )
    activiteit = models.OneToOneField(
        Activiteit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="uitevent",
        verbose_name=_("activiteit"),
    )
    # The series whose meetings this event holds. Empty on a `reeks` event sent before series existed
    # (an oudercursus's activities as one event): the aanbod's first series takes such an event over.
    reeks = models.OneToOneField(
        Reeks,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="uitevent",
        verbose_name=_("series"),
    )
    soort = models.CharField(_("kind"), max_length=20, choices=Soort.choices)
    uit_id = models.CharField(_("UiTdatabank id"), max_length=64, blank=True)
    url = models.URLField(_("UiTdatabank URL"), max_length=300, blank=True)
    # Set before a create is sent and cleared when its answer arrives: when set, an earlier create may
    # have reached UiTdatabank without us hearing the answer, so the next attempt looks for it first.
    create_verstuurd_op = models.DateTimeField(null=True, blank=True, editable=False)
    # Claimed while a worker talks to UiTdatabank about this event, so two workers never send one
    # event's changes at once (and never create it twice).
    bezig_sinds = models.DateTimeField(null=True, blank=True, editable=False)
    verzonden_hash = models.CharField(max_length=64, blank=True, editable=False)
    in_uitdatabank_sinds = models.DateTimeField(_("in UiTdatabank since"), null=True, blank=True)
    laatst_verzonden_op = models.DateTimeField(_("last sent at"), null=True, blank=True)
    geannuleerd_op = models.DateTimeField(_("cancelled in UiTdatabank at"), null=True, blank=True)

    objects = scoped_manager(partner="aanbod__partner")

    class Meta:
        verbose_name = _("UiTdatabank event")
        verbose_name_plural = _("UiTdatabank events")
        constraints = [
            models.UniqueConstraint(
                fields=["aanbod", "soort"],
                condition=Q(activiteit__isnull=True, reeks__isnull=True),
                name="uitevent_one_per_aanbod_soort",
            ),
            models.CheckConstraint(
                condition=Q(reeks__isnull=True) | Q(soort="reeks"),
                name="uitevent_reeks_only_for_reeks",
            ),
            models.CheckConstraint(
                condition=Q(soort="activiteit", activiteit__isnull=False)
                | (~Q(soort="activiteit") & Q(activiteit__isnull=True)),
                name="uitevent_activiteit_iff_single",
            ),
        ]

    def __str__(self) -> str:
        wat = self.activiteit or self.reeks or self.aanbod
        return f"{wat} ({self.get_soort_display()})"


class UitOutbox(models.Model):
    class Actie(models.TextChoices):
        BIJWERKEN = "bijwerken", _("Create or update")
        BESCHIKBAARHEID = "beschikbaarheid", _("Places left")
        ANNULEREN = "annuleren", _("Cancel")

    class Status(models.TextChoices):
        WACHTEND = "wachtend", _("Waiting")
        BEZIG = "bezig", _("Sending")
        VERZONDEN = "verzonden", _("Sent")
        OVERBODIG = "overbodig", _("Superseded")
        MISLUKT = "mislukt", _("Failed")

    event = models.ForeignKey(UitEvent, on_delete=models.CASCADE, related_name="outbox")
    actie = models.CharField(_("action"), max_length=20, choices=Actie.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WACHTEND, db_index=True
    )
    pogingen = models.PositiveSmallIntegerField(_("attempts"), default=0)
    volgende_poging_op = models.DateTimeField(_("next attempt at"), default=timezone.now)
    geclaimd_op = models.DateTimeField(null=True, blank=True, editable=False)
    laatste_fout = models.CharField(_("last error"), max_length=500, blank=True)
    aangemaakt_op = models.DateTimeField(_("created at"), default=timezone.now)
    verwerkt_op = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = scoped_manager(partner="event__aanbod__partner")

    class Meta:
        verbose_name = _("UiTdatabank outbox row")
        verbose_name_plural = _("UiTdatabank outbox")
        ordering = ["aangemaakt_op", "id"]
        indexes = [
            models.Index(
                fields=["volgende_poging_op"],
                condition=Q(status__in=["wachtend", "bezig"]),
                name="uitoutbox_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_actie_display()}: {self.event} ({self.get_status_display()})"
