"""Registrations for activities, split by job:

- `state`: the state machine — register, change, cancel, move up from the waiting list, the place on the
  waiting list, whether a parent may still change, an activity's cancellation;
- `mails`: which mail a registration is due, claiming it, rendering and sending it;
- `scan`: the periodic scan — reminders, and whatever a lost message left behind;
- `retention`: erasing personal data after the retention period.

The names below are the public ones; import them from here.
"""

from .mails import (
    CLAIM_TIMEOUT,
    LINK_RESEND_SECONDS,
    inschrijving_link_send,
    inschrijving_status_mail_send,
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
    "activiteit_cancel",
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
