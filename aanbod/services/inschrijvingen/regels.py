"""The registration rules a network may set on an activity or a series (`Inschrijfregels`), one function
per rule, used by the parent's pages, the portal, the admin and the state machine (`state.py`) alike.

- **Priority for residents.** Residents of the network's werkgebied (by the postcode they give) may
  register from `inschrijven_inwoners_vanaf`, everyone from `inschrijven_vanaf`. Before the first
  opening nobody may register (`inschrijving_closed_reason` says "nog_niet_open"); between the two only
  residents. A moment is open from that moment on (`nu >= vanaf`), as a deadline closes at its moment.
- **Cancelling online** until `annuleren_tot`; after it a confirmed registration is changed or cancelled
  by phone, through the partner (the services take `namens_partner=True` for them). A family on the
  waiting list may still leave it: that frees nobody's planned place and helps the next in line.
- **The child's age** in years, asked when `leeftijd_controleren` is set and the aanbod has an age range;
  checked, never stored.

Times are compared as aware moments; the pages show them in the network's time zone (Europe/Brussels).
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone
from django.utils.text import get_text_list
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aanbod.models import Aanbod, Activiteit, Inschrijving, Reeks
from partners.models import Gemeente, Netwerk, Postcode

Doel = Activiteit | Reeks

# How the pages and messages write a moment: "ma 12 januari 9:00" (in the active language).
MOMENT_FORMAT = "D j F G:i"


def moment_label(moment: dt.datetime) -> str:
    """A moment in the network's time zone, as the pages write it."""
    return dateformat.format(timezone.localtime(moment), MOMENT_FORMAT)


# --- Priority for residents ----------------------------------------------------------------------------


def werkgebied_namen() -> list[str]:
    """The names of the network's werkgebied, [] while the network has chosen none (then every Flemish
    gemeente counts, see `Gemeente.objects.werkgebied`)."""
    netwerk = Netwerk.load()
    if not netwerk.pk:
        return []
    rows = Gemeente.objects.filter(netwerken__pk=netwerk.pk).order_by("naam").values_list("naam", "naam_fr")
    french = (get_language() or "nl")[:2] == "fr"
    return [(naam_fr if french and naam_fr else naam) for naam, naam_fr in rows]


def werkgebied_label() -> str:
    """ "Destelbergen, Laarne, Lochristi and Lokeren", or the region when no werkgebied is chosen."""
    namen = werkgebied_namen()
    if not namen:
        return str(Gemeente.Gewest.VLAAMS.label)
    return str(get_text_list(namen, _("and")))


@dataclass(frozen=True)
class Opening:
    """When registration opens for whom, at the moment `nu`.

    `inwoners_vanaf` is set only when residents really have priority (their opening comes before
    everyone's); `iedereen_vanaf` is when everyone may register (None: open already)."""

    inwoners_vanaf: dt.datetime | None
    iedereen_vanaf: dt.datetime | None
    nu: dt.datetime = field(compare=False)

    @property
    def opent_op(self) -> dt.datetime | None:
        return self.inwoners_vanaf or self.iedereen_vanaf

    @property
    def nog_niet_open(self) -> bool:
        """Nobody may register yet."""
        return self.opent_op is not None and self.nu < self.opent_op

    @property
    def alleen_inwoners(self) -> bool:
        """Only residents may register now."""
        return self.inwoners_vanaf is not None and self.inwoners_vanaf <= self.nu < self.iedereen_vanaf

    @cached_property
    def gemeenten(self) -> str:
        return werkgebied_label()  # a query: once per opening, however often a page shows it

    @property
    def inwoners_label(self) -> str:
        return moment_label(self.inwoners_vanaf) if self.inwoners_vanaf else ""

    @property
    def iedereen_label(self) -> str:
        return moment_label(self.iedereen_vanaf) if self.iedereen_vanaf else ""


def inschrijven_opening(doel: Doel, *, nu: dt.datetime | None = None) -> Opening:
    """When registration opens for residents and for everyone (see `Opening`)."""
    nu = nu or timezone.now()
    inwoners, iedereen = doel.inschrijven_inwoners_vanaf, doel.inschrijven_vanaf
    if inwoners and iedereen and inwoners < iedereen:
        return Opening(inwoners_vanaf=inwoners, iedereen_vanaf=iedereen, nu=nu)
    # No priority (or one the forms would refuse: residents not before everyone): one opening for all.
    return Opening(inwoners_vanaf=None, iedereen_vanaf=doel.inschrijven_opent_op, nu=nu)


def inschrijven_nog_niet_open(doel: Doel, *, nu: dt.datetime | None = None) -> bool:
    """Nobody may register yet: before the residents' opening, or everyone's when there is no priority."""
    return inschrijven_opening(doel, nu=nu).nog_niet_open


def inschrijven_alleen_inwoners(doel: Doel, *, nu: dt.datetime | None = None) -> bool:
    """Only residents may register now (so the form requires the postcode)."""
    return inschrijven_opening(doel, nu=nu).alleen_inwoners


def postcode_clean(postcode: str) -> str:
    """A Belgian postcode as stored ('' when none); ValidationError (code "postcode") when it is not one."""
    postcode = (postcode or "").strip()
    if not postcode:
        return ""
    if len(postcode) != 4 or not postcode.isascii() or not postcode.isdigit() or postcode[0] == "0":
        raise ValidationError(_("A Belgian postcode has four digits, like 9080."), code="postcode")
    if not Postcode.objects.filter(code=postcode).exists():
        raise ValidationError(_("We do not know this postcode. Check it, please."), code="postcode")
    return postcode


def postcode_in_werkgebied(postcode: str) -> bool:
    """The postcode belongs to a gemeente of the network's werkgebied."""
    return bool(postcode) and Gemeente.objects.werkgebied().voor_postcode(postcode).exists()


def voorrang_check(doel: Doel, *, postcode: str, nu: dt.datetime | None = None) -> None:
    """While only residents may register, refuse anyone whose postcode is not in the werkgebied.

    Raises ValidationError code "postcode" (none given) or "inwoners" (not a resident)."""
    opening = inschrijven_opening(doel, nu=nu)
    if not opening.alleen_inwoners:
        return
    params = {"gemeenten": opening.gemeenten, "datum": opening.iedereen_label}
    if not postcode:
        raise ValidationError(
            _("Until %(datum)s only residents of %(gemeenten)s can register: enter your postcode."),
            code="postcode",
            params=params,
        )
    if not postcode_in_werkgebied(postcode):
        raise ValidationError(
            _(
                "Until %(datum)s only residents of %(gemeenten)s can register. "
                "Everyone else can register from %(datum)s."
            ),
            code="inwoners",
            params=params,
        )


# --- Cancelling online ---------------------------------------------------------------------------------


def annuleren_online_voorbij(
    inschrijving: Inschrijving, doel: Doel | None = None, *, nu: dt.datetime | None = None
) -> bool:
    """The registration's online cancellation deadline has passed: the parent phones instead.

    Only for a confirmed registration (see the module docstring for the waiting list)."""
    doel = doel or inschrijving.doel
    return (
        inschrijving.status == Inschrijving.Status.BEVESTIGD
        and doel.annuleren_tot is not None
        and (nu or timezone.now()) >= doel.annuleren_tot
    )


def annuleren_online_check(inschrijving: Inschrijving, doel: Doel, *, namens_partner: bool = False) -> None:
    """Refuse a parent's change or cancellation after the deadline (ValidationError code
    "annuleren_tot"); the partner and the admin (`namens_partner`) may always."""
    if not namens_partner and annuleren_online_voorbij(inschrijving, doel):
        raise ValidationError(
            _("You can no longer change or cancel online since %(datum)s. Please phone the organiser."),
            code="annuleren_tot",
            params={"datum": moment_label(doel.annuleren_tot)},
        )


# --- The child's age -----------------------------------------------------------------------------------


def leeftijd_gevraagd(doel: Doel) -> bool:
    """The form asks the child's age: the check is on and the aanbod has an age range."""
    return doel.leeftijd_controleren and doel.aanbod.leeftijd_van is not None


def leeftijd_check(doel: Doel, *, leeftijd: int | None) -> None:
    """Refuse an age outside the aanbod's range (ValidationError code "leeftijd"). The age is not kept."""
    if not leeftijd_gevraagd(doel):
        return
    aanbod = doel.aanbod
    params = {"van": aanbod.leeftijd_van, "tot": aanbod.leeftijd_tot}
    if leeftijd is None:
        raise ValidationError(_("Enter your child's age in years."), code="leeftijd")
    if not aanbod.voor_leeftijd(leeftijd):
        raise ValidationError(
            _("This is for children from %(van)d to %(tot)d years old."), code="leeftijd", params=params
        )


# --- Setting the rules (portal and admin) ---------------------------------------------------------------


def inschrijfregels_validate(
    *,
    aanbod: Aanbod,
    inschrijven_inwoners_vanaf: dt.datetime | None,
    inschrijven_vanaf: dt.datetime | None,
    annuleren_tot: dt.datetime | None,
    leeftijd_controleren: bool,
    sluit_op: dt.datetime | None,
    laatste_start: dt.datetime | None,
) -> None:
    """Check the rules as a partner or coordinator sets them: residents open before everyone, both
    openings before registration closes (`sluit_op`: the deadline, else the start), online cancelling
    after the opening and no later than the (last) start, an age check only with an age range.

    Raises ValidationError with a dict of errors keyed by the model's field names."""
    errors: dict[str, str] = {}
    inwoners, iedereen = inschrijven_inwoners_vanaf, inschrijven_vanaf
    if inwoners and not iedereen:
        errors["inschrijven_vanaf"] = _("Say when everyone may register: residents have priority until then.")
    elif inwoners and inwoners >= iedereen:
        errors["inschrijven_inwoners_vanaf"] = _(
            "Residents must be able to register before everyone else: choose an earlier moment."
        )
    if sluit_op is not None:
        for naam, moment in (("inschrijven_inwoners_vanaf", inwoners), ("inschrijven_vanaf", iedereen)):
            if moment and moment >= sluit_op and naam not in errors:
                errors[naam] = _("Registration must open before it closes (%(datum)s).") % {
                    "datum": moment_label(sluit_op)
                }
    if annuleren_tot:
        opent = min((m for m in (inwoners, iedereen) if m), default=None)
        if laatste_start is not None and annuleren_tot > laatste_start:
            errors["annuleren_tot"] = _("Online cancelling must end before it starts (%(datum)s).") % {
                "datum": moment_label(laatste_start)
            }
        elif opent is not None and annuleren_tot <= opent:
            errors["annuleren_tot"] = _("Online cancelling must end after registration opens.")
    if leeftijd_controleren and aanbod.leeftijd_van is None:
        errors["leeftijd_controleren"] = _(
            "This aanbod has no age range to check: give it one first (child age from and up to)."
        )
    if errors:
        raise ValidationError(errors)
