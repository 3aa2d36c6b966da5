"""The anonymous record of parents' questions, the optional conversation, and signals for policy.

A Vraag never holds a name, address, contact detail or dossier: only the nature of a question per
gemeente. Keep it that way; a test inspects the model's fields.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanbod.models import Thema
from huisvanhetkind.lib.scoping import scoped_manager
from huisvanhetkind.lib.text import SingleLineText
from partners.models import Gemeente, Partner


def op_het_uur(moment):
    """A moment cut to its whole hour (14:37:12.123456 -> 14:00). Question rows keep no finer time:
    the reports need the date only, and a minute or a microsecond could be matched against a proxy's
    access log to find who asked."""
    if moment is None:
        return None
    return moment.replace(minute=0, second=0, microsecond=0)


class UurField(models.DateTimeField):
    """A DateTimeField that stores its value cut to the hour (see `op_het_uur`), however it was set."""

    def pre_save(self, model_instance, add):
        value = op_het_uur(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value


class Leeftijdsband(models.TextChoices):
    ZWANGERSCHAP = "zwangerschap", _("Pregnancy")
    BABY = "0-1", _("0 to 1 year")
    PEUTER = "1-3", _("1 to 3 years")
    KLEUTER = "3-6", _("3 to 6 years")
    LAGERE_SCHOOL = "6-12", _("6 to 12 years")
    TIENER = "12-18", _("12 to 18 years")
    JONGVOLWASSEN = "18-25", _("18 to 25 years")
    ONBEKEND = "onbekend", _("Unknown or several")


class Vraagsteller(models.TextChoices):
    OUDER = "ouder", _("Parent")
    AANSTAANDE_OUDER = "aanstaande_ouder", _("Parent-to-be")
    GROOTOUDER = "grootouder", _("Grandparent")
    PLEEGOUDER = "pleegouder", _("Foster parent")
    JONGERE = "jongere", _("Young person")
    LEERKRACHT = "leerkracht", _("Teacher")
    HULPVERLENER = "hulpverlener", _("Care professional")
    ANDERE = "andere", _("Other")


class Kanaal(models.TextChoices):
    PERSOONLIJK = "persoonlijk", _("In person")
    TELEFOON = "telefoon", _("Phone")
    EMAIL = "email", _("E-mail")
    SOCIALE_MEDIA = "sociale_media", _("Social media")
    WEBSITE = "website", _("Website")
    HUISBEZOEK = "huisbezoek", _("Home visit")
    GROEP = "groep", _("Group activity")


# How long the person who registered a question may still correct or remove it.
CORRECTION_WINDOW = timedelta(days=1)


class VraagQuerySet(models.QuerySet):
    def geregistreerd_door(self, user) -> "VraagQuerySet":
        """The registrations this user made (a member sees and corrects only their own)."""
        return self.filter(geregistreerd_door=user)

    def corrigeerbaar(self) -> "VraagQuerySet":
        """Registrations still inside the correction window."""
        return self.filter(aangemaakt_op__gte=timezone.now() - CORRECTION_WINDOW)

    def in_periode(self, van, tot) -> "VraagQuerySet":
        return self.filter(datum__gte=van, datum__lte=tot)


class Vraag(models.Model):
    gemeente = models.ForeignKey(
        Gemeente, on_delete=models.PROTECT, related_name="vragen", verbose_name=_("gemeente")
    )
    themas = models.ManyToManyField(
        Thema, related_name="vragen", through="VraagThema", verbose_name=_("themas")
    )
    leeftijdsband = models.CharField(
        _("child's age"), max_length=20, choices=Leeftijdsband.choices, default=Leeftijdsband.ONBEKEND
    )
    vraagsteller = models.CharField(
        _("asked by"), max_length=20, choices=Vraagsteller.choices, default=Vraagsteller.OUDER
    )
    kanaal = models.CharField(_("channel"), max_length=20, choices=Kanaal.choices)
    datum = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    doorverwezen_naar = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="doorverwijzingen",
        verbose_name=_("referred to"),
    )
    # Who registered it (a staff member, never the parent), so they can correct it for a day.
    geregistreerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    geregistreerd_bij = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="geregistreerde_vragen",
        verbose_name=_("registered at partner"),
    )
    aangemaakt_op = UurField(_("created at"), auto_now_add=True)

    # Gemeente-owned figures: a municipality user's reports read their gemeenten's questions; in the
    # portal a partner's scope sees the questions registered at that partner. The public none.
    objects = scoped_manager(VraagQuerySet, partner="geregistreerd_bij", gemeente="gemeente")

    class Meta:
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")
        ordering = ["-datum", "-id"]
        indexes = [
            # Reports count one gemeente's questions in a period by each of these columns: with all of
            # them in the index, those counts are index-only scans that never touch the table.
            models.Index(
                fields=["gemeente", "datum", "leeftijdsband", "vraagsteller", "kanaal", "doorverwezen_naar"],
                name="vraag_rapport_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.datum:%d/%m/%Y} · {self.gemeente} · {self.get_kanaal_display()}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"gemeente", "datum"} & set(update_fields):
            # Keep the copies on the thema links in step (see VraagThema).
            VraagThema.objects.filter(vraag=self).exclude(
                gemeente_id=self.gemeente_id, datum=self.datum
            ).update(gemeente_id=self.gemeente_id, datum=self.datum)

    @property
    def corrigeerbaar_tot(self):
        return self.aangemaakt_op + CORRECTION_WINDOW

    @property
    def is_corrigeerbaar(self) -> bool:
        return self.aangemaakt_op is not None and timezone.now() < self.corrigeerbaar_tot


class VraagThemaQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Fill in the question's gemeente and date, also for `vraag.themas.set()`/`.add()`."""
        objs = list(objs)
        missing = {obj.vraag_id for obj in objs if obj.gemeente_id is None or obj.datum is None}
        if missing:
            known = {
                pk: (gemeente_id, datum)
                # The question's own gemeente and date, copied onto its thema links: no scope needed.
                for pk, gemeente_id, datum in Vraag._base_manager.filter(pk__in=missing).values_list(
                    "pk", "gemeente_id", "datum"
                )
            }
            for obj in objs:
                if obj.vraag_id in known:
                    obj.gemeente_id, obj.datum = known[obj.vraag_id]
        return super().bulk_create(objs, *args, **kwargs)


class VraagThema(models.Model):
    """A thema of a question. The question's gemeente and date are copied here so that a report counts
    questions by thema from one index, without joining 10,000s of questions (see bench/reports.py).

    The copies are kept in step by Vraag.save() and VraagThemaQuerySet.bulk_create() (which the related
    manager's set()/add() use); they are never edited by hand.
    """

    vraag = models.ForeignKey(Vraag, on_delete=models.CASCADE)
    thema = models.ForeignKey(Thema, on_delete=models.CASCADE)
    gemeente = models.ForeignKey(
        Gemeente, on_delete=models.CASCADE, null=True, editable=False, db_index=False, related_name="+"
    )
    datum = models.DateField(null=True, editable=False)

    objects = VraagThemaQuerySet.as_manager()

    class Meta:
        db_table = "vragen_vraag_themas"
        unique_together = [("vraag", "thema")]
        indexes = [
            models.Index(fields=["gemeente", "datum", "thema", "vraag"], name="vraagthema_rapport_idx")
        ]

    def __str__(self) -> str:
        return f"{self.vraag_id} · {self.thema}"

    def save(self, *args, **kwargs) -> None:
        if self.gemeente_id is None or self.datum is None:
            self.gemeente_id, self.datum = Vraag._base_manager.values_list("gemeente_id", "datum").get(
                pk=self.vraag_id
            )
        super().save(*args, **kwargs)


class GesprekQuerySet(models.QuerySet):
    def verlopen(self, now=None) -> "GesprekQuerySet":
        """Conversations whose last message is older than the retention period."""
        now = now or timezone.now()
        return self.filter(laatste_bericht_op__lt=now - timedelta(days=settings.GESPREK_RETENTION_DAYS))


class Gesprek(models.Model):
    """The text of a question asked on the website and its answers; deleted after retention."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting an answer")
        BEANTWOORD = "beantwoord", _("Answered")
        GESLOTEN = "gesloten", _("Closed")

    vraag = models.OneToOneField(
        Vraag, on_delete=models.CASCADE, related_name="gesprek", verbose_name=_("vraag")
    )
    code_hash = models.CharField(max_length=128, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    toegewezen_aan = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gesprekken",
        verbose_name=_("assigned to"),
    )
    aangemaakt_op = UurField(_("created at"), default=timezone.now, db_index=True)
    laatste_bericht_op = UurField(_("last message at"), default=timezone.now)

    # A partner's scope sees the conversations assigned to it; the asker reaches theirs by pickup code.
    objects = scoped_manager(GesprekQuerySet, partner="toegewezen_aan")

    class Meta:
        verbose_name = _("gesprek")
        verbose_name_plural = _("gesprekken")
        ordering = ["-laatste_bericht_op"]
        indexes = [models.Index(fields=["laatste_bericht_op"], name="gesprek_laatste_bericht_idx")]

    def __str__(self) -> str:
        return f"{_('Conversation')} #{self.pk} ({self.get_status_display()})"

    @property
    def verwijderd_op(self):
        """When the retention task will delete this conversation (unless another message comes)."""
        return self.laatste_bericht_op + timedelta(days=settings.GESPREK_RETENTION_DAYS)

    @property
    def is_open_voor_vervolg(self) -> bool:
        return self.status != self.Status.GESLOTEN


class Bericht(models.Model):
    class Van(models.TextChoices):
        VRAAGSTELLER = "vraagsteller", _("Asker")
        NETWERK = "netwerk", _("Network")

    gesprek = models.ForeignKey(
        Gesprek, on_delete=models.CASCADE, related_name="berichten", verbose_name=_("gesprek")
    )
    van = models.CharField(_("from"), max_length=20, choices=Van.choices)
    tekst = models.TextField(_("text"), max_length=4000)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    aangemaakt_op = UurField(_("created at"), default=timezone.now)

    objects = scoped_manager(partner="gesprek__toegewezen_aan")

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["aangemaakt_op", "id"]

    def __str__(self) -> str:
        return f"{self.get_van_display()}: {self.tekst[:60]}"


class Signaal(SingleLineText, models.Model):
    """A qualitative signal for local policy: a gap, a waiting list, a rising need."""

    class Status(models.TextChoices):
        NIEUW = "nieuw", _("New")
        BESPROKEN = "besproken", _("Discussed in the network")
        DOORGEGEVEN = "doorgegeven", _("Passed on to policy")

    gemeente = models.ForeignKey(
        Gemeente, on_delete=models.PROTECT, related_name="signalen", verbose_name=_("gemeente")
    )
    thema = models.ForeignKey(
        Thema, on_delete=models.PROTECT, related_name="signalen", verbose_name=_("thema")
    )
    titel = models.CharField(_("title"), max_length=150)
    tekst = models.TextField(_("description"))
    bron_partner = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signalen",
        verbose_name=_("source partner"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NIEUW)
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    aangemaakt_op = models.DateTimeField(_("created at"), auto_now_add=True)
    bijgewerkt_op = models.DateTimeField(_("updated at"), auto_now=True)
    doorgegeven_op = models.DateField(_("passed on at"), null=True, blank=True)

    # In the portal the signals of one's partners; in a municipality's reports those of its gemeenten.
    objects = scoped_manager(partner="bron_partner", gemeente="gemeente")

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        ordering = ["-aangemaakt_op"]
        indexes = [models.Index(fields=["gemeente", "status"], name="signaal_gemeente_status_idx")]

    def __str__(self) -> str:
        return f"{self.titel} ({self.gemeente}, {self.get_status_display()})"
