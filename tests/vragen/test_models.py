"""The Vraag holds the nature of a question only; pickup codes are strong and stored as keyed hashes."""

import math

from django.db import models

from vragen import codes
from vragen.models import Gesprek, Signaal, Vraag

# Fields that are not free text: choices, dates, keys.
ALLOWED_TEXT = {"leeftijdsband", "vraagsteller", "kanaal"}


def test_vraag_has_no_field_that_can_hold_a_name_address_or_contact():
    for field in Vraag._meta.get_fields():
        if isinstance(field, models.EmailField | models.URLField | models.GenericIPAddressField):
            raise AssertionError(f"Vraag.{field.name} can hold contact data")
        if isinstance(field, models.CharField | models.TextField):
            assert field.name in ALLOWED_TEXT, f"Vraag.{field.name} is free text"
            assert field.choices, f"Vraag.{field.name} has no choices"
        if isinstance(field, models.JSONField | models.BinaryField | models.FileField):
            raise AssertionError(f"Vraag.{field.name} can hold anything")


def test_vraag_relations_point_only_at_reference_data_and_staff():
    related = {
        field.name: field.related_model._meta.label
        for field in Vraag._meta.get_fields()
        if field.is_relation and not field.auto_created
    }
    assert related == {
        "gemeente": "partners.Gemeente",
        "themas": "aanbod.Thema",
        "doorverwezen_naar": "partners.Partner",
        "geregistreerd_door": "partners.User",
        "geregistreerd_bij": "partners.Partner",
    }


def test_gesprek_stores_no_plain_code():
    names = {field.name for field in Gesprek._meta.get_fields()}
    assert "code" not in names
    assert "code_hash" in names


def test_codes_are_long_enough_and_easy_to_write():
    code = codes.new_code()
    assert re_match(code)
    assert codes.BITS >= 50
    assert math.log2(len(codes.ALPHABET) ** codes.LENGTH) == codes.BITS
    assert not set("ILOU") & set(codes.ALPHABET)


def re_match(code: str) -> bool:
    import re

    return (
        re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code) is not None
    )


def test_codes_differ():
    assert len({codes.new_code() for _ in range(500)}) == 500


def test_normalise_forgives_separators_case_and_lookalikes():
    assert codes.normalise(" 7kq2 m9xd.4tob ") == "7KQ2M9XD4T0B"
    assert codes.normalise("iLo0-IlO0-abcd") == "11001100ABCD"
    assert codes.normalise("7KQ2-M9XD-4T0") is None
    assert codes.normalise("7KQ2-M9XD-4T0U") is None


def test_hash_is_keyed_with_the_secret(settings):
    code = codes.new_code()
    first = codes.code_hash(code)
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    assert codes.code_hash(code) != first
    assert len(first) == 64


def test_codes_survive_a_key_rotation(settings, gesprek_en_code):
    from vragen.services import gesprek_find

    gesprek, code = gesprek_en_code
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "the-new-secret-key-after-rotation"
    settings.SECRET_KEY_FALLBACKS = [old]
    assert gesprek_find(code=code) == gesprek


def test_vraag_corrigeerbaar_for_a_day(db):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import VraagFactory

    vraag = VraagFactory()
    assert vraag.is_corrigeerbaar
    Vraag.objects.filter(pk=vraag.pk).update(aangemaakt_op=timezone.now() - timedelta(hours=25))
    vraag.refresh_from_db()
    assert not vraag.is_corrigeerbaar
    assert list(Vraag.objects.corrigeerbaar()) == []


def test_signaal_statuses_are_in_order():
    assert list(Signaal.Status.values) == ["nieuw", "besproken", "doorgegeven"]


def test_thema_links_copy_the_questions_gemeente_and_date(gemeente_a, gemeente_b, slapen, eten):
    from datetime import date

    from tests.factories import VraagFactory
    from vragen.models import VraagThema

    vraag = VraagFactory(gemeente=gemeente_a, datum=date(2025, 3, 4), themas=[slapen])
    assert list(VraagThema.objects.values_list("gemeente_id", "datum")) == [(gemeente_a.pk, date(2025, 3, 4))]
    vraag.themas.add(eten)
    Through = Vraag.themas.through
    other = VraagFactory(gemeente=gemeente_b, datum=date(2025, 5, 6))
    Through.objects.bulk_create([Through(vraag_id=other.pk, thema_id=slapen.pk)])  # as seed_demo does
    assert VraagThema.objects.filter(gemeente__isnull=True).count() == 0
    vraag.gemeente, vraag.datum = gemeente_b, date(2025, 3, 5)
    vraag.save()
    assert set(VraagThema.objects.filter(vraag=vraag).values_list("gemeente_id", "datum")) == {
        (gemeente_b.pk, date(2025, 3, 5))
    }
    assert VraagThema.objects.get(vraag=other).datum == date(2025, 5, 6)
