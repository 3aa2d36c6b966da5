"""Two transactions writing activities of one aanbod at once (PostgreSQL): the stored next start is the
true one whichever commits last (the trigger locks the aanbod row and reads the truth after the lock)."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from aanbod.models import Activiteit, VolgendeStart
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_sooner_activity_wins_when_the_later_one_commits_last(postgres):
    aanbod = factories.AanbodFactory()
    locatie = factories.LocatieFactory()
    soon = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    later = soon + timedelta(hours=4)

    def add(start):
        return Activiteit.objects.create(
            aanbod=aanbod, locatie=locatie, start=start, einde=start + timedelta(hours=1)
        )

    waiting = threading.Event()
    errors = []

    def second():
        try:
            with transaction.atomic():
                waiting.set()
                add(later)  # its trigger waits for the first transaction's lock on the aanbod
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        add(soon)
        thread = threading.Thread(target=second)
        thread.start()
        waiting.wait(5)
        time.sleep(0.5)  # the second transaction is now blocked in its trigger
    thread.join(10)
    assert not errors
    assert VolgendeStart.objects.get(aanbod=aanbod).start == soon
    assert connection.vendor == "postgresql"
