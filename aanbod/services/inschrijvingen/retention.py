"""Retention: the personal data of a registration is erased a set number of days after its activity.

Erased means erased everywhere the database holds it: the registration's own fields, and the admin's
history (`django_admin_log`), whose entries repeat an object's text as it was when someone edited it
(`object_repr`, and the inline rows named in an activity's `change_message`). Nothing else stores a
registrant's name or address: mails are not logged in the database, the UiTdatabank outbox holds
places left, not people, and sessions hold no registration data. A test searches every text column of
every table for an erased name and address.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from aanbod.models import Inschrijving, Reeks

BATCH = 500
# What replaces an erased value inside an admin log text that also names other things.
ERASED = "…"


def inschrijvingen_erase_expired() -> int:
    """Erase name, e-mail and phone of every registration REGISTRATION_RETENTION_DAYS after its activity
    ended; returns how many were erased.

    Keeps status, number of persons, attendance and dates for the reports. The manage link of an erased
    registration answers 404.

    Side effects: naam, email, telefoon and token_seal → "", gewist_op set; the admin
    log entries of those registrations get a neutral text ("inschrijving #id", no message), and any other
    admin log entry that repeats their name, address or phone has it replaced (see `admin_log_erase`).
    """
    grens = timezone.now() - timedelta(days=settings.REGISTRATION_RETENTION_DAYS)
    # A series ends with its last meeting.
    voorbije_reeksen = (
        Reeks.objects.annotate(laatste=Max("activiteiten__einde")).filter(laatste__lt=grens).values("pk")
    )
    due = Inschrijving.objects.filter(
        Q(activiteit__einde__lt=grens) | Q(reeks__in=voorbije_reeksen), gewist_op__isnull=True
    )
    erased = 0
    while True:
        with transaction.atomic():
            rows = list(
                due.select_for_update(of=("self",))
                .order_by("pk")
                .values_list("pk", "naam", "email", "telefoon")[:BATCH]
            )
            if not rows:
                return erased
            ids = [row[0] for row in rows]
            erased += Inschrijving.objects.filter(pk__in=ids).update(
                naam="", email="", telefoon="", token_seal="", gewist_op=timezone.now()
            )
            admin_log_erase(ids=ids, values={value for row in rows for value in row[1:] if value})


def admin_log_erase(*, ids: list[int], values: set[str]) -> None:
    """Remove erased registrations from the admin's history.

    Side effects: the log entries of these registrations keep who did what when, but their text becomes
    "inschrijving #id" and their message empty; in every other log entry whose text or message contains
    one of `values` (the erased name, address, phone: an activity's entry names its inline rows), that
    value is replaced by "…".
    """
    content_type = ContentType.objects.get_for_model(Inschrijving)
    LogEntry.objects.filter(content_type=content_type, object_id__in=[str(pk) for pk in ids]).update(
        object_repr=Concat(Value(f"{Inschrijving._meta.model_name} #"), "object_id"), change_message=""
    )
    values = {value for value in values if len(value) >= 2}
    if not values:
        return
    match = Q()
    for value in values:
        match |= Q(object_repr__contains=value) | Q(change_message__contains=value)
    for entry in LogEntry.objects.filter(match).only("object_repr", "change_message"):
        for value in sorted(values, key=len, reverse=True):
            entry.object_repr = entry.object_repr.replace(value, ERASED)
            entry.change_message = entry.change_message.replace(value, ERASED)
        entry.save(update_fields=["object_repr", "change_message"])
