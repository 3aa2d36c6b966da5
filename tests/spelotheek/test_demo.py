"""The demo spelotheek: about 150 toys with pictures, members, loans in every state, nothing doubled."""

import pytest
from django.utils import timezone

from aanbod.spelotheek.models import Lid, Reservatie, Speelgoed, UitleenTelling, Uitlening
from vragen.management.demo_spelotheek import picture, seed_spelotheek

pytestmark = pytest.mark.django_db


def test_demo_spelotheek_has_every_state_and_a_rerun_adds_nothing(partner_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = seed_spelotheek(partner_a, today=timezone.localdate())
    counts = (
        Speelgoed.objects.count(),
        Lid.objects.count(),
        Uitlening.objects.count(),
        Reservatie.objects.count(),
    )
    assert seed_spelotheek(partner_a, today=timezone.localdate()) == first
    assert counts == (
        Speelgoed.objects.count(),
        Lid.objects.count(),
        Uitlening.objects.count(),
        Reservatie.objects.count(),
    )
    assert first["speelgoed"] == 150
    assert set(Speelgoed.objects.values_list("status", flat=True)) >= {
        "beschikbaar",
        "uitgeleend",
        "gereserveerd",
        "in_herstel",
    }
    assert set(Reservatie.objects.values_list("status", flat=True)) == {"wachtend", "klaar"}
    assert Uitlening.objects.filter(opvolging_open=True).exists()
    assert Uitlening.objects.filter(terug_op__lt=timezone.localdate(), teruggebracht_op__isnull=True).exists()
    assert UitleenTelling.objects.count() > 400
    assert all(s.foto for s in Speelgoed.objects.all())


def test_demo_pictures_are_deterministic_and_small():
    assert picture("SP-001", (10, 20, 30)) == picture("SP-001", (10, 20, 30))
    assert len(picture("SP-001", (10, 20, 30))) < 10_000
