"""No overbooking under concurrency (PostgreSQL): parents registering at the same moment queue on the
activity's row lock."""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from aanbod.models import Activiteit, Inschrijving
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def post_all(path: str, payloads: list[dict]) -> list[int]:
    """POST every payload from its own thread, all released at once; returns the status codes."""
    barrier = threading.Barrier(len(payloads))
    codes: list[int] = []
    errors: list[BaseException] = []

    def run(payload):
        try:
            client = Client()
            barrier.wait()
            codes.append(client.post(path, payload).status_code)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(payload,)) for payload in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return codes


def test_fifty_parents_for_ten_places_never_overbook(postgres):
    activiteit = factories.ActiviteitFactory(capaciteit=10)
    path = reverse("activiteit_inschrijven", kwargs={"pk": activiteit.pk})
    payloads = [
        {"naam": f"Ouder {n}", "email": f"ouder{n}@example.org", "aantal_personen": "1"} for n in range(50)
    ]
    codes = post_all(path, payloads)
    assert Counter(codes) == {302: 50}  # every parent got their own page, no error page
    counts = Counter(Inschrijving.objects.filter(activiteit=activiteit).values_list("status", flat=True))
    assert counts == {Inschrijving.Status.BEVESTIGD: 10, Inschrijving.Status.WACHTLIJST: 40}
    assert Activiteit.objects.met_bezetting().get(pk=activiteit.pk).bezet == 10


def test_same_address_at_the_same_moment_registers_once(postgres):
    activiteit = factories.ActiviteitFactory(capaciteit=10)
    path = reverse("activiteit_inschrijven", kwargs={"pk": activiteit.pk})
    payloads = [{"naam": "Sara", "email": "sara@example.org", "aantal_personen": "1"} for _ in range(8)]
    codes = post_all(path, payloads)
    # Every request gets the same answer (no oracle: a known address is not told apart) ...
    assert Counter(codes) == {302: 8}
    # ... and still only one registration exists.
    assert Inschrijving.objects.filter(activiteit=activiteit).count() == 1
