"""An existing demo database from before series: rerunning `seed_demo` makes its multi-date courses
series, and the registrations made per meeting before keep working, their manage links too."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from aanbod.models import Activiteit, Inschrijving, Reeks

pytestmark = pytest.mark.django_db

COURSE = "oudercursus-positief-opvoeden"


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_rerunning_seed_demo_turns_courses_into_series_and_old_links_keep_working(client):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    # The database as it was before series: every meeting its own activity, registrations per meeting.
    Activiteit.objects.update(reeks=None)
    Reeks.objects.all().delete()
    assert not Activiteit.objects.filter(aanbod__slug=COURSE, reeks__isnull=False).exists()
    meeting = Activiteit.objects.filter(aanbod__slug=COURSE, geannuleerd=False).order_by("-start").first()
    old = Inschrijving(activiteit=meeting, naam="Ouder van vroeger", email="vroeger@example.org")
    old.save()
    token = old.token

    call_command("seed_demo", force=True, stdout=io.StringIO())

    # The courses the demo plans (the report's demo adds past years' series of its own, left as they are).
    meetings = Activiteit.objects.filter(aanbod__slug=COURSE, start__gte=timezone.now())
    assert meetings.exists() and not meetings.filter(reeks__isnull=True).exists()
    assert Reeks.objects.filter(aanbod__slug=COURSE).exists()
    old.refresh_from_db()
    assert old.activiteit_id == meeting.pk and old.status == Inschrijving.Status.BEVESTIGD
    response = client.get(f"/inschrijving/{token}/")
    assert response.status_code == 200
    assert "Ouder van vroeger" in response.text
