"""No overbooking of a series under concurrency (PostgreSQL): parents registering for a course at the same
moment queue on the series' row lock."""

from collections import Counter

import pytest
from django.urls import reverse

from aanbod.models import Inschrijving
from tests import factories
from tests.aanbod.test_inschrijving_concurrency import post_all

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_thirty_parents_for_eight_places_in_a_series_never_overbook(postgres):
    reeks = factories.ReeksFactory(capaciteit=8, bijeenkomsten=4)
    path = reverse("reeks_inschrijven", kwargs={"pk": reeks.pk})
    payloads = [
        {"naam": f"Ouder {n}", "email": f"ouder{n}@example.org", "aantal_personen": "1"} for n in range(30)
    ]
    codes = post_all(path, payloads)
    assert Counter(codes) == {302: 30}
    counts = Counter(Inschrijving.objects.filter(reeks=reeks).values_list("status", flat=True))
    assert counts == {Inschrijving.Status.BEVESTIGD: 8, Inschrijving.Status.WACHTLIJST: 22}
    assert not Inschrijving.objects.filter(activiteit__reeks=reeks).exists()
