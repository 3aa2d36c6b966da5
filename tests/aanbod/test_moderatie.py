"""The moderation services, their mails and the weekly copy of an activity."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from aanbod.models import Aanbod, Activiteit, Taal, Thema
from aanbod.services.activiteiten import activiteit_copy_weekly
from aanbod.services.moderatie import (
    Besluit,
    aanbod_archive,
    aanbod_mail_besluit,
    aanbod_mark_nagekeken,
    aanbod_propose_change,
    aanbod_publish,
    aanbod_reject,
    aanbod_submit,
    voorgestelde_wijziging_diff,
)
from tests import factories

BRUSSEL = ZoneInfo("Europe/Brussels")

pytestmark = pytest.mark.django_db


class AanbodForm(forms.ModelForm):
    """What a partner's edit form could look like: cleaned_data with instances and querysets."""

    class Meta:
        model = Aanbod
        fields = [
            "titel",
            "slug",
            "soort",
            "samenvatting",
            "beschrijving",
            "afbeelding",
            "themas",
            "talen",
            "gemeenten",
            "leeftijd_van",
            "leeftijd_tot",
            "kosten",
            "prijs",
            "kansentarief",
            "nagekeken_op",
        ]


def cleaned(aanbod: Aanbod, **changes) -> dict:
    form = AanbodForm(instance=aanbod)
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(changes)
    bound = AanbodForm(data=data, instance=Aanbod.objects.get(pk=aanbod.pk))
    assert bound.is_valid(), bound.errors
    return bound.cleaned_data


@pytest.fixture
def gepubliceerd(partner_a, alice):
    aanbod = factories.AanbodFactory(partner=partner_a, titel="Slaapavond", slug="slaapavond")
    aanbod.themas.set([Thema.objects.get(slug="slapen")])
    return aanbod


def test_submit_draft_becomes_ingediend(partner_a, alice):
    aanbod = factories.AanbodFactory(partner=partner_a, status=Aanbod.Status.CONCEPT)
    aanbod_submit(aanbod=aanbod, user=alice)
    aanbod.refresh_from_db()
    assert aanbod.status == Aanbod.Status.INGEDIEND
    assert aanbod.ingediend_op is not None
    assert len(mail.outbox) == 0


def test_submit_trusted_partner_publishes_directly(partner_a, alice):
    partner_a.vertrouwd = True
    partner_a.save()
    aanbod = factories.AanbodFactory(partner=partner_a, status=Aanbod.Status.CONCEPT, nagekeken_op=None)
    aanbod_submit(aanbod=aanbod, user=alice)
    aanbod.refresh_from_db()
    assert aanbod.status == Aanbod.Status.GEPUBLICEERD
    assert aanbod.gepubliceerd_op is not None
    assert aanbod.nagekeken_op == timezone.localdate()


def test_submit_archived_is_refused(partner_a, alice):
    aanbod = factories.AanbodFactory(partner=partner_a, status=Aanbod.Status.GEARCHIVEERD)
    with pytest.raises(ValidationError):
        aanbod_submit(aanbod=aanbod, user=alice)


def test_propose_change_on_published_keeps_published_version(
    gepubliceerd, alice, django_capture_on_commit_callbacks
):
    eten = Thema.objects.get(slug="eten-en-drinken")
    data = cleaned(
        gepubliceerd,
        titel="Slaapavond voor ouders",
        themas=[eten.pk],
        talen=["nl", "fr"],
        kosten="betalend",
        prijs="12.50",
        nagekeken_op="2026-01-05",
    )
    aanbod_propose_change(aanbod=gepubliceerd, data=data, user=alice)
    aanbod = Aanbod.objects.get(pk=gepubliceerd.pk)
    assert aanbod.titel == "Slaapavond"
    assert aanbod.status == Aanbod.Status.GEPUBLICEERD
    assert list(aanbod.themas.values_list("slug", flat=True)) == ["slapen"]
    assert aanbod.voorgestelde_wijziging == {
        "titel": "Slaapavond voor ouders",
        "themas": [eten.pk],
        "talen": ["fr", "nl"],
        "kosten": "betalend",
        "prijs": "12.50",
        "nagekeken_op": "2026-01-05",
    }
    assert aanbod in Aanbod.objects.te_modereren()


def test_propose_change_back_to_published_withdraws_it(gepubliceerd, alice):
    aanbod_propose_change(aanbod=gepubliceerd, data=cleaned(gepubliceerd, titel="Anders"), user=alice)
    aanbod_propose_change(aanbod=gepubliceerd, data=cleaned(gepubliceerd), user=alice)
    gepubliceerd.refresh_from_db()
    assert gepubliceerd.voorgestelde_wijziging is None


def test_propose_change_trusted_partner_applies_directly(gepubliceerd, alice):
    gepubliceerd.partner.vertrouwd = True
    gepubliceerd.partner.save()
    talen = Taal.objects.filter(code__in=["nl", "ar"])
    aanbod_propose_change(
        aanbod=gepubliceerd, data=cleaned(gepubliceerd, titel="Nieuw", talen=["nl", "ar"]), user=alice
    )
    aanbod = Aanbod.objects.get(pk=gepubliceerd.pk)
    assert aanbod.titel == "Nieuw"
    assert set(aanbod.talen.all()) == set(talen)
    assert aanbod.voorgestelde_wijziging is None


def test_propose_change_draft_applies_directly(partner_a, alice):
    aanbod = factories.AanbodFactory(partner=partner_a, status=Aanbod.Status.CONCEPT)
    aanbod_propose_change(aanbod=aanbod, data=cleaned(aanbod, samenvatting="Kort en klaar"), user=alice)
    aanbod.refresh_from_db()
    assert aanbod.samenvatting == "Kort en klaar"
    assert aanbod.status == Aanbod.Status.CONCEPT


def test_publish_applies_pending_change_and_mails(
    gepubliceerd, alice, coordinator, django_capture_on_commit_callbacks
):
    eten = Thema.objects.get(slug="eten-en-drinken")
    data = cleaned(gepubliceerd, titel="Eetavond", themas=[eten.pk], kosten="betalend", prijs="7.00")
    aanbod_propose_change(aanbod=gepubliceerd, data=data, user=alice)
    gepubliceerd.afwijsreden = "oud"
    with django_capture_on_commit_callbacks(execute=True):
        aanbod_publish(aanbod=Aanbod.objects.get(pk=gepubliceerd.pk), user=coordinator)
    aanbod = Aanbod.objects.get(pk=gepubliceerd.pk)
    assert aanbod.titel == "Eetavond"
    assert aanbod.prijs == Decimal("7.00")
    assert list(aanbod.themas.all()) == [eten]
    assert aanbod.voorgestelde_wijziging is None
    assert aanbod.nagekeken_op == timezone.localdate()
    assert aanbod.afwijsreden == ""
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [gepubliceerd.partner.email, "alice@example.org"]
    assert "Eetavond" in mail.outbox[0].subject


def test_publish_submitted(partner_a, alice, coordinator, django_capture_on_commit_callbacks):
    aanbod = factories.AanbodFactory(partner=partner_a, status=Aanbod.Status.INGEDIEND, afwijsreden="x")
    with django_capture_on_commit_callbacks(execute=True):
        aanbod_publish(aanbod=aanbod, user=coordinator)
    aanbod.refresh_from_db()
    assert aanbod.status == Aanbod.Status.GEPUBLICEERD
    assert aanbod.gepubliceerd_op is not None
    assert aanbod.afwijsreden == ""
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.alternatives[0].mimetype == "text/html"
    assert aanbod.get_absolute_url() in message.body


def test_reject_needs_reason(partner_a, coordinator):
    aanbod = factories.AanbodFactory(partner=partner_a, status=Aanbod.Status.INGEDIEND)
    with pytest.raises(ValidationError):
        aanbod_reject(aanbod=aanbod, user=coordinator, reden="  ")
    aanbod.refresh_from_db()
    assert aanbod.status == Aanbod.Status.INGEDIEND


def test_reject_submitted_mails_reason(partner_a, alice, coordinator, django_capture_on_commit_callbacks):
    aanbod = factories.AanbodFactory(partner=partner_a, status=Aanbod.Status.INGEDIEND)
    with django_capture_on_commit_callbacks(execute=True):
        aanbod_reject(aanbod=aanbod, user=coordinator, reden="Graag een datum en een adres.")
    aanbod.refresh_from_db()
    assert aanbod.status == Aanbod.Status.AFGEWEZEN
    assert aanbod.afwijsreden == "Graag een datum en een adres."
    assert len(mail.outbox) == 1
    assert "Graag een datum en een adres." in mail.outbox[0].body
    assert "Graag een datum en een adres." in mail.outbox[0].alternatives[0].content


def test_reject_pending_change_keeps_published(
    gepubliceerd, alice, coordinator, django_capture_on_commit_callbacks
):
    aanbod_propose_change(aanbod=gepubliceerd, data=cleaned(gepubliceerd, titel="Te lang"), user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        aanbod_reject(aanbod=Aanbod.objects.get(pk=gepubliceerd.pk), user=coordinator, reden="Titel te vaag.")
    aanbod = Aanbod.objects.get(pk=gepubliceerd.pk)
    assert aanbod.status == Aanbod.Status.GEPUBLICEERD
    assert aanbod.titel == "Slaapavond"
    assert aanbod.voorgestelde_wijziging is None
    assert aanbod.afwijsreden == "Titel te vaag."
    assert aanbod not in Aanbod.objects.te_modereren()
    assert len(mail.outbox) == 1
    assert "Titel te vaag." in mail.outbox[0].body


def test_reject_published_without_change_is_refused(gepubliceerd, coordinator):
    with pytest.raises(ValidationError):
        aanbod_reject(aanbod=gepubliceerd, user=coordinator, reden="Nee")


def test_archive_and_mark_nagekeken(gepubliceerd, coordinator):
    gepubliceerd.nagekeken_op = dt.date(2020, 1, 1)
    gepubliceerd.save()
    aanbod_mark_nagekeken(aanbod=gepubliceerd)
    assert Aanbod.objects.get(pk=gepubliceerd.pk).nagekeken_op == timezone.localdate()
    aanbod_archive(aanbod=gepubliceerd, user=coordinator)
    assert Aanbod.objects.get(pk=gepubliceerd.pk).status == Aanbod.Status.GEARCHIVEERD


def test_diff_is_readable(gepubliceerd, alice):
    data = cleaned(gepubliceerd, themas=[Thema.objects.get(slug="eten-en-drinken").pk], kansentarief=True)
    aanbod_propose_change(aanbod=gepubliceerd, data=data, user=alice)
    rows = {row.veld: row for row in voorgestelde_wijziging_diff(Aanbod.objects.get(pk=gepubliceerd.pk))}
    assert rows["themas"].oud == "Slapen"
    assert rows["themas"].nieuw == "Eten en drinken"
    assert rows["kansentarief"].nieuw == "yes"


def test_mail_without_recipients_sends_nothing(partner_a):
    partner_a.email = ""
    partner_a.save()
    aanbod = factories.AanbodFactory(partner=partner_a)
    assert aanbod_mail_besluit(aanbod=aanbod, besluit=Besluit.GEPUBLICEERD) == 0
    assert mail.outbox == []


def test_mail_task_for_deleted_aanbod_is_quiet(db):
    from aanbod.tasks.moderatie import mail_moderatie_besluit

    mail_moderatie_besluit.delay(aanbod_id=999999, besluit=Besluit.GEPUBLICEERD)
    assert mail.outbox == []


# --- Weekly copy -----------------------------------------------------------------------------------------


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BRUSSEL)


def test_copy_weekly_keeps_local_hour_across_spring_dst():
    activiteit = factories.ActiviteitFactory(
        start=local(2026, 3, 18, 19, 0),
        einde=local(2026, 3, 18, 21, 30),
        inschrijven_tot=local(2026, 3, 17, 12, 0),
    )
    kopieen = activiteit_copy_weekly(activiteit=activiteit, weken=3)
    starts = [timezone.localtime(a.start, BRUSSEL) for a in kopieen]
    assert [(s.date(), s.hour, s.minute) for s in starts] == [
        (dt.date(2026, 3, 25), 19, 0),
        (dt.date(2026, 4, 1), 19, 0),
        (dt.date(2026, 4, 8), 19, 0),
    ]
    # 2026-03-29 is the change to summer time: one week is 167 hours in UTC.
    assert kopieen[1].start.astimezone(dt.UTC) - kopieen[0].start.astimezone(dt.UTC) == dt.timedelta(
        hours=167
    )
    assert all(timezone.localtime(a.einde, BRUSSEL).time() == dt.time(21, 30) for a in kopieen)
    assert timezone.localtime(kopieen[1].inschrijven_tot, BRUSSEL) == local(2026, 3, 31, 12, 0)
    assert Activiteit.objects.filter(aanbod=activiteit.aanbod).count() == 4


def test_copy_weekly_keeps_local_hour_across_autumn_dst():
    activiteit = factories.ActiviteitFactory(
        start=local(2026, 10, 21, 9, 30), einde=local(2026, 10, 21, 11, 0)
    )
    kopie = activiteit_copy_weekly(activiteit=activiteit, weken=1)[0]
    assert timezone.localtime(kopie.start, BRUSSEL) == local(2026, 10, 28, 9, 30)
    assert kopie.start.astimezone(dt.UTC) - activiteit.start.astimezone(dt.UTC) == dt.timedelta(hours=169)


def test_copy_weekly_skips_dates_and_duplicates():
    activiteit = factories.ActiviteitFactory(start=local(2026, 5, 6, 14, 0), einde=local(2026, 5, 6, 16, 0))
    factories.ActiviteitFactory(
        aanbod=activiteit.aanbod, start=local(2026, 5, 20, 14, 0), einde=local(2026, 5, 20, 16, 0)
    )
    kopieen = activiteit_copy_weekly(activiteit=activiteit, weken=4, skip_dates=[dt.date(2026, 5, 13)])
    assert [timezone.localtime(a.start, BRUSSEL).date() for a in kopieen] == [
        dt.date(2026, 5, 27),
        dt.date(2026, 6, 3),
    ]
    assert kopieen[0].capaciteit == activiteit.capaciteit
    assert kopieen[0].locatie_id == activiteit.locatie_id
    again = activiteit_copy_weekly(activiteit=activiteit, weken=4)
    assert [timezone.localtime(a.start, BRUSSEL).date() for a in again] == [dt.date(2026, 5, 13)]


@pytest.mark.parametrize("weken", [0, 53])
def test_copy_weekly_refuses_out_of_range(weken):
    activiteit = factories.ActiviteitFactory()
    with pytest.raises(ValidationError):
        activiteit_copy_weekly(activiteit=activiteit, weken=weken)
