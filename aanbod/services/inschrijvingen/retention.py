"""Retention: the personal data of a registration is erased a set number of days after its activity."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from aanbod.models import Inschrijving, Reeks


def inschrijvingen_erase_expired() -> int:
    """Erase name, e-mail and phone of every registration REGISTRATION_RETENTION_DAYS after its activity
    ended; returns how many were erased.

    Keeps status, number of persons, attendance and dates for the reports. The manage link of an erased
    registration answers 404.

    Side effects: naam, email, telefoon → "", gewist_op set (one UPDATE).
    """
    grens = timezone.now() - timedelta(days=settings.REGISTRATION_RETENTION_DAYS)
    # A series ends with its last meeting.
    voorbije_reeksen = (
        Reeks.objects.annotate(laatste=Max("activiteiten__einde")).filter(laatste__lt=grens).values("pk")
    )
    return (
        Inschrijving.objects.filter(Q(activiteit__einde__lt=grens) | Q(reeks__in=voorbije_reeksen))
        .filter(gewist_op__isnull=True)
        .update(naam="", email="", telefoon="", gewist_op=timezone.now())
    )
