"""Conversations are deleted after GESPREK_RETENTION_DAYS; their Vraag stays for the reports."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from vragen.models import Bericht, Gesprek, Vraag
from vragen.services import gesprek_find, gesprekken_delete_expired
from vragen.tasks import delete_expired_gesprekken


def age(gesprek, days):
    Gesprek.objects.filter(pk=gesprek.pk).update(laatste_bericht_op=timezone.now() - timedelta(days=days))


def test_task_deletes_expired_gesprek_and_keeps_the_vraag(gesprek_en_code, settings):
    gesprek, code = gesprek_en_code
    age(gesprek, settings.GESPREK_RETENTION_DAYS + 1)
    assert delete_expired_gesprekken.delay().get() == 1
    assert Gesprek.objects.count() == 0
    assert Bericht.objects.count() == 0
    assert Vraag.objects.filter(pk=gesprek.vraag_id).exists()
    assert gesprek_find(code=code) is None


def test_young_gesprek_stays(gesprek_en_code, settings):
    gesprek, _code = gesprek_en_code
    age(gesprek, settings.GESPREK_RETENTION_DAYS - 1)
    assert gesprekken_delete_expired() == 0
    assert Gesprek.objects.count() == 1


def test_retention_counts_from_the_last_message(gesprek_en_code, settings, client):
    gesprek, code = gesprek_en_code
    Gesprek.objects.filter(pk=gesprek.pk).update(aangemaakt_op=timezone.now() - timedelta(days=365))
    age(gesprek, 1)
    assert gesprekken_delete_expired() == 0


def test_retention_setting_is_honoured(gesprek_en_code, settings):
    gesprek, _code = gesprek_en_code
    settings.GESPREK_RETENTION_DAYS = 5
    age(gesprek, 6)
    assert gesprekken_delete_expired() == 1


def test_deleting_twice_is_harmless(gesprek_en_code, settings):
    gesprek, _code = gesprek_en_code
    age(gesprek, settings.GESPREK_RETENTION_DAYS + 1)
    assert gesprekken_delete_expired() == 1
    assert gesprekken_delete_expired() == 0


def test_management_command_does_the_same(gesprek_en_code, settings, capsys):
    gesprek, _code = gesprek_en_code
    age(gesprek, settings.GESPREK_RETENTION_DAYS + 3)
    call_command("delete_expired_gesprekken")
    assert "Deleted 1" in capsys.readouterr().out
    assert Vraag.objects.count() == 1


def test_beat_schedules_the_task_by_its_name(settings):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "vragen.delete_expired_gesprekken" in names
    assert delete_expired_gesprekken.name == "vragen.delete_expired_gesprekken"
