"""The spelotheek's Celery tasks: thin, all-scope by themselves, idempotent."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from aanbod.spelotheek import services, tasks
from aanbod.spelotheek.models import Lid, Reservatie, Uitlening
from huisvanhetkind.lib.scoping import scope
from tests import factories

pytestmark = pytest.mark.django_db


def test_tasks_enter_their_own_scope_and_run_once(speelgoed, lid, lid2, partner_a):
    uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    Uitlening.objects.filter(pk=uitlening.pk).update(terug_op=timezone.localdate() - timedelta(days=2))
    reservatie = services.reservatie_create(speelgoed=factories.SpeelgoedFactory(partner=partner_a), lid=lid2)
    Reservatie.objects.filter(pk=reservatie.pk).update(ophalen_tot=timezone.now() - timedelta(minutes=1))
    mail.outbox = []
    # An empty scope around the calls: the tasks must say "all scopes" themselves.
    with scope(partner=[]):
        assert tasks.send_due_mails.delay().get() >= 1
        assert tasks.send_due_mails.delay().get() == 0
        assert tasks.lapse_reservations.delay().get() == 1
        assert tasks.send_reservatie_klaar.delay(reservatie_id=reservatie.pk).get() is False  # already sent
        assert tasks.erase_idle_members.delay().get() == 0
    assert any(m.subject.endswith("is overdue") for m in mail.outbox)


def test_erase_task_removes_idle_member(partner_a, settings):
    oud = timezone.now() - timedelta(days=settings.SPELOTHEEK_LID_BEWAARDAGEN + 1)
    idle = factories.LidFactory(
        partner=partner_a,
        lid_van=timezone.localdate() - timedelta(days=900),
        lid_tot=timezone.localdate() - timedelta(days=400),
    )
    Lid.objects.filter(pk=idle.pk).update(laatst_geleend_op=oud)
    with scope(partner=[]):
        assert tasks.erase_idle_members.delay().get() == 1
    assert not Lid.objects.filter(pk=idle.pk).exists()
