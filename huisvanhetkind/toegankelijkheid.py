"""What the accessibility statement (toegankelijkheidsverklaring, Bestuursdecreet art. III.88) says.

The statement is generated from the Netwerk record (who, contact, known problems, the day of the last
manual check) and from `MEASURED`: the automated checks every public and portal page passes. The browser
tests (`tests/browser/`, axe-core with the WCAG 2.1 AA rules) keep the first line true on every change;
update the others when a check is run again.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

STANDARD = "WCAG 2.1 AA"


@dataclass(frozen=True)
class Measurement:
    tool: str
    scope: str
    result: str


MEASURED_ON = date(2026, 11, 30)
MEASURED = (
    Measurement("axe-core 4", _("every public page and every partner portal page"), _("0 violations")),
    Measurement("Nu Html Checker", _("the public pages"), _("0 errors")),
    Measurement("Lighthouse (mobile)", _("the front page"), _("accessibility score 100 of 100")),
)


def nalevingsstatus(*, problemen: str, handmatig_nagekeken: date | None) -> str:
    """`full` only when a person has checked the site and no problem is known; automated checks alone
    find perhaps a third of the problems, so without a manual check the statement says `partial`."""
    return "full" if handmatig_nagekeken and not problemen.strip() else "partial"
