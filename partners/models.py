import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.cache import cache
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from huisvanhetkind.lib.scoping import ALL, PUBLIC, scoped_ids, scoped_manager
from huisvanhetkind.lib.text import SingleLineText

COORDINATOR_GROUP = "Coördinatoren"

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


class GemeenteQuerySet(models.QuerySet):
    def voor_postcode(self, postcode: str) -> "GemeenteQuerySet":
        return self.filter(postcodes__code=postcode.strip())

    def werkgebied(self) -> "GemeenteQuerySet":
        """The gemeenten of the network's werkgebied (all Flemish ones while none is chosen)."""
        netwerk = Netwerk.load()
        if netwerk and netwerk.pk and netwerk.werkgebied.exists():
            return self.filter(netwerken=netwerk)
        return self.filter(gewest=Gemeente.Gewest.VLAAMS)


class Gemeente(models.Model):
    class Gewest(models.TextChoices):
        VLAAMS = "vlaams", _("Flemish Region")
        BRUSSELS = "brussels", _("Brussels-Capital Region")

    nis = models.CharField(_("NIS code"), max_length=5, unique=True)
    naam = models.CharField(_("name"), max_length=100)
    naam_fr = models.CharField(_("French name"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    provincie = models.CharField(_("province"), max_length=60)
    gewest = models.CharField(_("region"), max_length=10, choices=Gewest.choices)

    objects = GemeenteQuerySet.as_manager()

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["naam"]
        constraints = [
            models.CheckConstraint(condition=Q(nis__regex=r"^[0-9]{5}$"), name="gemeente_nis_five_digits"),
        ]

    def __str__(self) -> str:
        return self.naam


class Postcode(models.Model):
    """A Belgian postcode; a few (1040, 1050, 1804) belong to two gemeenten."""

    code = models.CharField(_("postcode"), max_length=4, db_index=True)
    gemeente = models.ForeignKey(
        Gemeente, on_delete=models.CASCADE, related_name="postcodes", verbose_name=_("gemeente")
    )

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "gemeente"], name="postcode_unique_per_gemeente"),
            models.CheckConstraint(condition=Q(code__regex=r"^[1-9][0-9]{3}$"), name="postcode_four_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.gemeente}"


@dataclass(frozen=True)
class Vertaalde:
    """A configured text in the visitor's language, or in Dutch (`lang` "nl") when it has no translation."""

    tekst: str
    lang: str
    vertaald: bool

    def __str__(self) -> str:
        return self.tekst

    def __bool__(self) -> bool:
        return bool(self.tekst)


class Netwerk(SingleLineText, models.Model):
    """The one Huis van het Kind network this installation serves: configuration, not code."""

    naam = models.CharField(_("name"), max_length=120, default="Huis van het Kind")
    baseline = models.CharField(_("baseline"), max_length=200, blank=True)
    baseline_en = models.CharField(_("baseline in English"), max_length=200, blank=True)
    baseline_fr = models.CharField(_("baseline in French"), max_length=200, blank=True)
    intro = models.TextField(_("introduction on the front page"), blank=True)
    intro_en = models.TextField(_("introduction in English"), blank=True)
    intro_fr = models.TextField(_("introduction in French"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="netwerk/", blank=True)
    kleur_primair = models.CharField(
        _("main colour"), max_length=7, default="#1f6f78", validators=[hex_colour]
    )
    kleur_accent = models.CharField(
        _("accent colour"), max_length=7, default="#f2a541", validators=[hex_colour]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    telefoon = models.CharField(_("phone"), max_length=30, blank=True)
    adres = models.CharField(_("address"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    werkgebied = models.ManyToManyField(
        Gemeente, blank=True, related_name="netwerken", verbose_name=_("werkgebied")
    )
    privacyverklaring = models.TextField(_("privacy statement"), blank=True)
    toegankelijkheid_beoordeeld_op = models.DateField(
        _("accessibility last checked on"),
        null=True,
        blank=True,
        help_text=_("The day the website was last checked for accessibility; shown in the statement."),
    )
    toegankelijkheid_problemen = models.TextField(
        _("known accessibility problems"),
        blank=True,
        help_text=_("In plain Dutch, one per line: what does not work well yet, and the alternative."),
    )
    bijgewerkt_op = models.DateTimeField(_("updated at"), auto_now=True)

    CACHE_KEY = "netwerk:v2"

    class Meta:
        verbose_name = _("netwerk")
        verbose_name_plural = _("netwerk")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="netwerk_singleton")]

    def __str__(self) -> str:
        return self.naam

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    def vertaald(self, veld: str) -> "Vertaalde":
        """A text of the network in the active language, or the Dutch one marked as not translated."""
        lang = (get_language() or "nl")[:2]
        if lang != "nl":
            vertaling = getattr(self, f"{veld}_{lang}", "")
            if vertaling:
                return Vertaalde(vertaling, lang, vertaald=True)
        return Vertaalde(getattr(self, veld), "nl", vertaald=lang == "nl")

    @property
    def intro_vertaald(self) -> "Vertaalde":
        return self.vertaald("intro")

    @property
    def baseline_vertaald(self) -> "Vertaalde":
        return self.vertaald("baseline")

    @classmethod
    def load(cls) -> "Netwerk":
        """The network's record; an unsaved default while a coordinator has not filled it in."""
        netwerk = cache.get(cls.CACHE_KEY)
        if netwerk is None:
            netwerk = cls.objects.filter(pk=1).first() or cls()
            cache.set(cls.CACHE_KEY, netwerk, 300)
        return netwerk


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    naam = models.CharField(_("name"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Coordinators who may log in to the admin.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return f"{self.naam} <{self.email}>" if self.naam else self.email

    def get_full_name(self) -> str:
        return self.naam or self.email

    def get_short_name(self) -> str:
        return self.naam.split(" ")[0] if self.naam else self.email

    @cached_property
    def is_coordinator(self) -> bool:
        if not (self.is_active and self.is_staff):
            return False
        return self.is_superuser or self.groups.filter(name=COORDINATOR_GROUP).exists()


class PartnerQuerySet(models.QuerySet):
    def actief(self) -> "PartnerQuerySet":
        return self.filter(actief=True)

    def in_scope(self) -> "PartnerQuerySet":
        """The partners of the current scope: a member's own in the portal, all for a coordinator,
        none for the public. Partners themselves are public; this is the portal's "my partners"."""
        partners = scoped_ids("partner")
        if partners is ALL:
            return self.all()
        if partners is PUBLIC:
            return self.none()
        return self.filter(pk__in=partners)

    def beheerd_door(self, user) -> "PartnerQuerySet":
        """The partners whose members this user may manage."""
        if not user.is_authenticated:
            return self.none()
        if user.is_coordinator:
            return self.all()
        return self.filter(lidmaatschappen__user=user, lidmaatschappen__rol=Lidmaatschap.Rol.BEHEERDER)


class Partner(SingleLineText, models.Model):
    class Soort(models.TextChoices):
        CONSULTATIEBUREAU = "consultatiebureau", _("Child health clinic (consultatiebureau)")
        OPVOEDINGSWINKEL = "opvoedingswinkel", _("Parenting advice shop (opvoedingswinkel)")
        BIBLIOTHEEK = "bibliotheek", _("Library")
        CAW = "caw", _("Centre for general welfare work (CAW)")
        OCMW = "ocmw", _("Public social welfare centre (OCMW)")
        KINDEROPVANG = "kinderopvang", _("Childcare")
        SCHOOL = "school", _("School")
        CLB = "clb", _("Pupil guidance centre (CLB)")
        GEZONDHEID = "gezondheid", _("Health care")
        JEUGDHULP = "jeugdhulp", _("Youth care")
        VRIJWILLIGERS = "vrijwilligers", _("Volunteers' association")
        GEMEENTE = "gemeente", _("Municipality")
        ANDERE = "andere", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    naam = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    soort = models.CharField(_("kind"), max_length=30, choices=Soort.choices, default=Soort.ANDERE)
    korte_beschrijving = models.CharField(_("short description"), max_length=250, blank=True)
    beschrijving = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    telefoon = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    adres = models.CharField(_("address"), max_length=200, blank=True)
    logo = models.ImageField(_("logo"), upload_to="partners/", blank=True)
    werkgebied = models.ManyToManyField(
        Gemeente, blank=True, related_name="partners", verbose_name=_("werkgebied")
    )
    vertrouwd = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_("Aanbod of a trusted partner is published without moderation."),
    )
    actief = models.BooleanField(_("active"), default=True)
    aangemaakt_op = models.DateTimeField(_("created at"), auto_now_add=True)
    bijgewerkt_op = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.naam

    def get_absolute_url(self) -> str:
        return reverse("partner_detail", kwargs={"slug": self.slug})


class Lidmaatschap(models.Model):
    class Rol(models.TextChoices):
        BEHEERDER = "beheerder", _("Manager")
        MEDEWERKER = "medewerker", _("Staff member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lidmaatschappen",
        verbose_name=_("user"),
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="lidmaatschappen", verbose_name=_("partner")
    )
    rol = models.CharField(_("role"), max_length=20, choices=Rol.choices, default=Rol.MEDEWERKER)
    aangemaakt_op = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = scoped_manager(partner="partner")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["partner__naam", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partner"], name="lidmaatschap_unique_user_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.partner} ({self.get_rol_display()})"


class Gemeentetoegang(models.Model):
    """A municipality staff user's right to read one gemeente's signal reports."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="gemeentetoegangen",
        verbose_name=_("user"),
    )
    gemeente = models.ForeignKey(
        Gemeente, on_delete=models.CASCADE, related_name="toegangen", verbose_name=_("gemeente")
    )
    aangemaakt_op = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("access to a gemeente's reports")
        verbose_name_plural = _("access to gemeente reports")
        ordering = ["gemeente__naam", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "gemeente"], name="gemeentetoegang_unique_user_gemeente"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.gemeente}"


class Uitnodiging(models.Model):
    """An invitation to join the portal, for a partner (with a role) or for a gemeente's reports."""

    email = models.EmailField(_("e-mail address"))
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="uitnodigingen",
        verbose_name=_("partner"),
    )
    rol = models.CharField(
        _("role"), max_length=20, choices=Lidmaatschap.Rol.choices, default=Lidmaatschap.Rol.MEDEWERKER
    )
    gemeente = models.ForeignKey(
        Gemeente,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="uitnodigingen",
        verbose_name=_("gemeente"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    aangemaakt_op = models.DateTimeField(_("created at"), default=timezone.now)
    verloopt_op = models.DateTimeField(_("expires at"))
    gebruikt_op = models.DateTimeField(_("used at"), null=True, blank=True)

    # A partner's invitations; invitations to a gemeente's reports belong to no partner (the admin's).
    objects = scoped_manager(partner="partner")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-aangemaakt_op"]
        constraints = [
            models.CheckConstraint(
                condition=Q(partner__isnull=False) | Q(gemeente__isnull=False),
                name="uitnodiging_for_partner_or_gemeente",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.partner or self.gemeente}"

    @property
    def is_open(self) -> bool:
        return self.gebruikt_op is None and self.verloopt_op > timezone.now()
