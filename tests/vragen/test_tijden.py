"""Question rows keep their times to the hour only (vragen.models.UurField): a minute or a microsecond
could be matched against a proxy's access log to find who asked."""

import importlib
from datetime import datetime, timedelta

from django.utils import timezone

from tests import factories
from vragen import services
from vragen.models import Bericht, Gesprek, Leeftijdsband, Vraag, op_het_uur


def _whole_hour(moment) -> bool:
    return (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)


def test_tijden_of_a_website_question_are_whole_hours(db, gemeente_a):
    gesprek, _code = services.gesprek_start(
        gemeente=gemeente_a,
        themas=[],
        leeftijdsband=Leeftijdsband.values[0],
        tekst="Mijn kind slaapt slecht.",
    )
    gesprek.refresh_from_db()
    vraag = Vraag.objects.get(pk=gesprek.vraag_id)
    bericht = Bericht.objects.get(gesprek=gesprek)
    for moment in (
        vraag.aangemaakt_op,
        gesprek.aangemaakt_op,
        gesprek.laatste_bericht_op,
        bericht.aangemaakt_op,
    ):
        assert _whole_hour(moment), moment
    services.gesprek_follow_up(gesprek=gesprek, tekst="Nog een vraag.")
    gesprek.refresh_from_db()
    assert _whole_hour(gesprek.laatste_bericht_op)


def test_tijden_set_by_hand_are_cut_too(db):
    vraag = factories.VraagFactory()
    assert _whole_hour(Vraag.objects.get(pk=vraag.pk).aangemaakt_op)
    assert op_het_uur(datetime(2025, 3, 4, 14, 37, 12, 123456)) == datetime(2025, 3, 4, 14)


def test_tijden_migration_cuts_existing_rows(db, gemeente_a):
    from django.apps import apps

    gesprek, _code = services.gesprek_start(
        gemeente=gemeente_a, themas=[], leeftijdsband=Leeftijdsband.values[0], tekst="Een vraag."
    )
    odd = timezone.now().replace(minute=37, second=12, microsecond=123456) - timedelta(days=1)
    Vraag.objects.filter(pk=gesprek.vraag_id).update(aangemaakt_op=odd)
    Gesprek.objects.filter(pk=gesprek.pk).update(aangemaakt_op=odd, laatste_bericht_op=odd)
    Bericht.objects.filter(gesprek=gesprek).update(aangemaakt_op=odd)
    migration = importlib.import_module("vragen.migrations.0004_question_times_to_the_hour")
    migration.to_the_hour(apps, None)
    assert _whole_hour(Vraag.objects.get(pk=gesprek.vraag_id).aangemaakt_op)
    gesprek.refresh_from_db()
    assert _whole_hour(gesprek.aangemaakt_op) and _whole_hour(gesprek.laatste_bericht_op)
    assert _whole_hour(Bericht.objects.get(gesprek=gesprek).aangemaakt_op)
