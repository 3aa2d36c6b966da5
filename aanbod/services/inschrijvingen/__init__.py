"""Registrations for activities, split by job:

- `state`: the state machine — register, change, cancel, move up from the waiting list, the place on the
  waiting list, whether a parent may still change, an activity's cancellation;
- `mails`: which mail a registration is due, claiming it, rendering and sending it;
- `scan`: the periodic scan — reminders, and whatever a lost message left behind;
- `regels`: the registration rules a network may set (priority for residents, online cancellation
  deadline, the child's age), one function per rule;
- `retention`: erasing personal data after the retention period (the postcode stays, for reach figures).

The names below are the public ones; import them from here.
"""

from .mails import (
    CLAIM_TIMEOUT,
    LINK_RESEND_SECONDS,
    inschrijving_link_send,
    inschrijving_status_mail_send,
)
from .regels import (
    Opening,
    annuleren_online_check,
    annuleren_online_voorbij,
    inschrijfregels_validate,
    inschrijven_alleen_inwoners,
    inschrijven_nog_niet_open,
    inschrijven_opening,
    leeftijd_check,
    leeftijd_gevraagd,
    postcode_clean,
    postcode_in_werkgebied,
    voorrang_check,
    werkgebied_label,
)
from .retention import inschrijvingen_erase_expired
from .scan import inschrijvingen_catch_up, send_due_reminders
from .state import (
    activiteit_cancel,
    cancellation_recipients,
    inschrijving_cancel,
    inschrijving_change,
    inschrijving_closed_reason,
    inschrijving_create,
    inschrijving_max_personen,
    inschrijving_may_change,
    inschrijvingen_with_volgnummer,
    reeks_cancel,
    wachtlijst_positie,
    wachtlijst_promote,
)

__all__ = [
    "CLAIM_TIMEOUT",
    "LINK_RESEND_SECONDS",
    "Opening",
    "activiteit_cancel",
    "annuleren_online_check",
    "annuleren_online_voorbij",
    "inschrijfregels_validate",
    "inschrijven_alleen_inwoners",
    "inschrijven_nog_niet_open",
    "inschrijven_opening",
    "leeftijd_check",
    "leeftijd_gevraagd",
    "postcode_clean",
    "postcode_in_werkgebied",
    "voorrang_check",
    "werkgebied_label",
    "cancellation_recipients",
    "inschrijving_cancel",
    "inschrijving_change",
    "inschrijving_closed_reason",
    "inschrijving_create",
    "inschrijving_link_send",
    "inschrijving_max_personen",
    "inschrijving_may_change",
    "inschrijving_status_mail_send",
    "inschrijvingen_catch_up",
    "inschrijvingen_erase_expired",
    "inschrijvingen_with_volgnummer",
    "reeks_cancel",
    "send_due_reminders",
    "wachtlijst_positie",
    "wachtlijst_promote",
]
