"""The spelotheek's rules: lending, returning with the pieces check, renewing, the reservation queue,
lapsing, members and their erasure, and the anonymous counts a loan leaves."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from aanbod.spelotheek import services
from aanbod.spelotheek.models import Lid, Reservatie, Speelgoed, UitleenTelling, Uitlening
from tests import factories

pytestmark = pytest.mark.django_db


def reload(obj):
    obj.refresh_from_db()
    return obj


def test_uitlening_create_lends_and_sets_due_date(speelgoed, lid, settings):
    uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    assert uitlening.terug_op == timezone.localdate() + timedelta(days=settings.SPELOTHEEK_UITLEENDAGEN)
    assert reload(speelgoed).status == Speelgoed.Status.UITGELEEND
    assert speelgoed.terug_verwacht_op == uitlening.terug_op
    assert reload(lid).laatst_geleend_op is not None


def test_uitlening_create_refuses_item_already_lent(speelgoed, lid, lid2):
    services.uitlening_create(speelgoed=speelgoed, lid=lid)
    with pytest.raises(ValidationError) as error:
        services.uitlening_create(speelgoed=speelgoed, lid=lid2)
    assert error.value.code == "lent"


def test_uitlening_one_open_per_speelgoed_constraint(speelgoed, lid, lid2):
    Uitlening.objects.create(speelgoed=speelgoed, lid=lid, terug_op=timezone.localdate())
    with pytest.raises(IntegrityError):
        Uitlening.objects.create(speelgoed=speelgoed, lid=lid2, terug_op=timezone.localdate())


def test_uitlening_create_refuses_expired_membership(speelgoed, lid):
    lid.lid_van = timezone.localdate() - timedelta(days=400)
    lid.lid_tot = timezone.localdate() - timedelta(days=1)
    lid.save()
    with pytest.raises(ValidationError) as error:
        services.uitlening_create(speelgoed=speelgoed, lid=lid)
    assert error.value.code == "expired"


def test_uitlening_create_refuses_other_partners_member(speelgoed, partner_b):
    outsider = factories.LidFactory(partner=partner_b)
    with pytest.raises(ValidationError):
        services.uitlening_create(speelgoed=speelgoed, lid=outsider)


def test_uitlening_create_caps_items_at_home(partner_a, lid, settings):
    settings.SPELOTHEEK_MAX_UITLENINGEN = 2
    for _ in range(2):
        services.uitlening_create(speelgoed=factories.SpeelgoedFactory(partner=partner_a), lid=lid)
    with pytest.raises(ValidationError) as error:
        services.uitlening_create(speelgoed=factories.SpeelgoedFactory(partner=partner_a), lid=lid)
    assert error.value.code == "cap"


def test_uitlening_return_complete_makes_item_available_and_counts_it(speelgoed, lid):
    uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    services.uitlening_return(uitlening=uitlening, controle="compleet")
    assert reload(speelgoed).status == Speelgoed.Status.BESCHIKBAAR
    assert speelgoed.terug_verwacht_op is None
    assert not Uitlening.objects.exists()  # only the anonymous count stays
    telling = UitleenTelling.objects.get()
    assert (telling.aantal, telling.leeftijdsband, telling.gemeente.nis) == (1, "0-3", "44021")
    assert telling.maand == timezone.localdate().replace(day=1)


def test_uitlening_return_damaged_flags_for_repair_out_of_catalogue(speelgoed, lid):
    uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    services.uitlening_return(uitlening=uitlening, controle="beschadigd", opmerking="Deksel kapot")
    assert reload(speelgoed).status == Speelgoed.Status.IN_HERSTEL
    assert not Speelgoed.objects.in_catalogus().filter(pk=speelgoed.pk).exists()
    services.speelgoed_repaired(speelgoed=speelgoed)
    assert reload(speelgoed).status == Speelgoed.Status.BESCHIKBAAR


def test_uitlening_return_missing_pieces_keeps_follow_up_until_closed(speelgoed, lid):
    uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    with pytest.raises(ValidationError):
        services.uitlening_return(uitlening=uitlening, controle="ontbreken", ontbrekende_stukken=0)
    services.uitlening_return(uitlening=uitlening, controle="ontbreken", ontbrekende_stukken=2)
    uitlening = Uitlening.objects.get()
    assert uitlening.opvolging_open and uitlening.ontbrekende_stukken == 2
    assert reload(speelgoed).status == Speelgoed.Status.IN_HERSTEL
    services.uitlening_follow_up_close(uitlening=uitlening)
    assert not Uitlening.objects.exists()
    assert UitleenTelling.objects.get().aantal == 1


def test_uitlening_return_twice_is_refused(speelgoed, lid):
    uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    services.uitlening_return(uitlening=uitlening, controle="ontbreken", ontbrekende_stukken=1)
    with pytest.raises(ValidationError):
        services.uitlening_return(uitlening=uitlening, controle="compleet")


def test_uitlening_renew_extends_until_max(speelgoed, lid, settings):
    settings.SPELOTHEEK_MAX_VERLENGINGEN = 1
    uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    eerst = uitlening.terug_op
    uitlening = services.uitlening_renew(uitlening=uitlening)
    assert uitlening.terug_op == eerst + timedelta(days=settings.SPELOTHEEK_UITLEENDAGEN)
    assert reload(speelgoed).terug_verwacht_op == uitlening.terug_op
    with pytest.raises(ValidationError) as error:
        services.uitlening_renew(uitlening=uitlening)
    assert error.value.code == "max_renewals"


def test_uitlening_renew_refused_when_someone_waits(speelgoed, lid, lid2):
    uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    services.reservatie_create(speelgoed=speelgoed, lid=lid2)
    with pytest.raises(ValidationError) as error:
        services.uitlening_renew(uitlening=uitlening)
    assert error.value.code == "queue"


def test_reservatie_of_available_item_is_ready_and_mailed_once(
    speelgoed, lid, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reservatie = services.reservatie_create(speelgoed=speelgoed, lid=lid)
    assert reservatie.status == Reservatie.Status.KLAAR
    assert reload(speelgoed).status == Speelgoed.Status.GERESERVEERD
    assert [m.to for m in mail.outbox] == [["peeters@example.org"]]
    assert reload(reservatie).klaar_verstuurd_op is not None


def test_reserved_item_goes_only_to_its_member(speelgoed, lid, lid2):
    services.reservatie_create(speelgoed=speelgoed, lid=lid)
    with pytest.raises(ValidationError) as error:
        services.uitlening_create(speelgoed=speelgoed, lid=lid2)
    assert error.value.code == "reserved"
    services.uitlening_create(speelgoed=speelgoed, lid=lid)
    assert Reservatie.objects.get().status == Reservatie.Status.OPGEHAALD


def test_queue_moves_up_on_return_and_mails_next_once(
    speelgoed, lid, lid2, partner_a, django_capture_on_commit_callbacks
):
    derde = factories.LidFactory(partner=partner_a, email="derde@example.org")
    uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    eerste = services.reservatie_create(speelgoed=speelgoed, lid=lid2)
    tweede = services.reservatie_create(speelgoed=speelgoed, lid=derde)
    assert (eerste.status, tweede.status) == (Reservatie.Status.WACHTEND, Reservatie.Status.WACHTEND)
    with django_capture_on_commit_callbacks(execute=True):
        services.uitlening_return(uitlening=uitlening, controle="compleet")
    assert reload(eerste).status == Reservatie.Status.KLAAR
    assert reload(tweede).status == Reservatie.Status.WACHTEND
    assert reload(speelgoed).status == Speelgoed.Status.GERESERVEERD
    assert [m.to for m in mail.outbox] == [["janssens@example.org"]]
    # The periodic scan finds nothing more to send.
    from aanbod.spelotheek.mails import mails_send_due

    assert mails_send_due(soorten=("reservatie_klaar",)) == 0


def test_reservatie_lapse_passes_item_to_next(speelgoed, lid, lid2):
    eerste = services.reservatie_create(speelgoed=speelgoed, lid=lid)
    tweede = services.reservatie_create(speelgoed=speelgoed, lid=lid2)
    assert services.reservaties_lapse_due() == 0
    Reservatie.objects.filter(pk=eerste.pk).update(ophalen_tot=timezone.now() - timedelta(minutes=1))
    assert services.reservaties_lapse_due() == 1
    assert reload(eerste).status == Reservatie.Status.VERVALLEN
    assert reload(tweede).status == Reservatie.Status.KLAAR


def test_reservatie_cancel_of_ready_frees_item(speelgoed, lid):
    reservatie = services.reservatie_create(speelgoed=speelgoed, lid=lid)
    services.reservatie_cancel(reservatie=reservatie)
    assert reload(speelgoed).status == Speelgoed.Status.BESCHIKBAAR


def test_reservatie_twice_is_refused(speelgoed, lid):
    services.reservatie_create(speelgoed=speelgoed, lid=lid)
    with pytest.raises(ValidationError):
        services.reservatie_create(speelgoed=speelgoed, lid=lid)


def test_lid_create_numbers_and_records_fee(partner_a):
    eerste = services.lid_create(
        partner=partner_a, naam="Gezin A", email="a@example.org", bijdrage=Decimal(5)
    )
    tweede = services.lid_create(
        partner=partner_a, naam="Gezin B", telefoon="0470 12 34 56", kansentarief=True
    )
    assert (eerste.lidnummer, tweede.lidnummer) == ("1", "2")
    assert eerste.betalingen.get().bedrag == Decimal(5)
    assert eerste.lid_tot == timezone.localdate() + timedelta(days=364)


def test_lid_create_needs_one_contact(partner_a):
    with pytest.raises(ValidationError):
        services.lid_create(partner=partner_a, naam="Gezin C")


def test_lid_payment_record_extends_a_year(lid):
    eind = lid.lid_tot
    services.lid_payment_record(lid=lid, bedrag=Decimal("2.50"), kansentarief=True)
    lid.refresh_from_db()
    assert lid.lid_tot == eind + timedelta(days=365)
    assert lid.kansentarief and lid.bijdrage == Decimal("2.50")


def test_leden_erase_idle_erases_only_idle_ended_members(partner_a, lid, settings):
    oud = timezone.now() - timedelta(days=settings.SPELOTHEEK_LID_BEWAARDAGEN + 1)
    idle = factories.LidFactory(
        partner=partner_a,
        lid_van=timezone.localdate() - timedelta(days=900),
        lid_tot=timezone.localdate() - timedelta(days=500),
    )
    Lid.objects.filter(pk=idle.pk).update(laatst_geleend_op=oud, aangemaakt_op=oud)
    assert services.leden_erase_idle() == 1
    assert list(Lid.objects.all()) == [lid]


def test_lid_link_request_mails_a_link_whose_token_is_stored_hashed(
    partner_a, lid, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.lid_link_request(partner=partner_a, lidnummer="101")
    assert not services.lid_link_request(partner=partner_a, lidnummer="999")
    body = mail.outbox[0].body
    url = next(line for line in body.splitlines() if "/spelotheek/lid/" in line).strip()
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert lid.toegangen.get().token_hash != token
    assert services.lid_from_token(token).lid == lid


def test_loans_of_one_member_due_together_share_one_reminder(partner_a, lid, lid2):
    from aanbod.spelotheek.mails import mails_send_due

    for n in range(3):
        speelgoed = factories.SpeelgoedFactory(partner=partner_a, naam=f"Spel {n}")
        uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid if n < 2 else lid2)
        Uitlening.objects.filter(pk=uitlening.pk).update(terug_op=timezone.localdate() + timedelta(days=1))
    mail.outbox = []
    assert mails_send_due(soorten=("bijna_terug",)) == 3
    assert sorted(len(m.to) and m.to[0] for m in mail.outbox) == [
        "janssens@example.org",
        "peeters@example.org",
    ]
    peeters = next(m for m in mail.outbox if m.to == ["peeters@example.org"])
    assert "Spel 0" in peeters.body and "Spel 1" in peeters.body
    assert peeters.subject.startswith("Please bring 2 toys back by ")
    assert mails_send_due() == 0


def test_overdue_reminder_once_and_again_after_renewal(speelgoed, lid):
    from aanbod.spelotheek.mails import mails_send_due

    uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    Uitlening.objects.filter(pk=uitlening.pk).update(terug_op=timezone.localdate() - timedelta(days=1))
    mail.outbox = []
    assert mails_send_due(soorten=("te_laat",)) == 1
    assert mails_send_due(soorten=("te_laat",)) == 0
    assert mail.outbox[0].subject == "“Houten boerderijpuzzel” is overdue"
    services.uitlening_renew(uitlening=uitlening)
    assert reload(uitlening).te_laat_verstuurd_op is None


def test_membership_expiring_reminder(lid):
    from aanbod.spelotheek.mails import mails_send_due

    Lid.objects.filter(pk=lid.pk).update(lid_tot=timezone.localdate() + timedelta(days=10))
    mail.outbox = []
    assert mails_send_due(soorten=("lidmaatschap_verloopt",)) == 1
    assert "ends soon" in mail.outbox[0].subject
    services.lid_payment_record(lid=lid, bedrag=Decimal(5))
    assert reload(lid).verloopt_verstuurd_op is None


def test_smtp_failure_releases_the_claims(speelgoed, lid, monkeypatch):
    import smtplib

    from aanbod.spelotheek import mails

    uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid)
    Uitlening.objects.filter(pk=uitlening.pk).update(terug_op=timezone.localdate() - timedelta(days=1))

    def down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(mails, "mail_build", down)
    with pytest.raises(smtplib.SMTPException):
        mails.mails_send_due(soorten=("te_laat",))
    assert reload(uitlening).te_laat_verstuurd_op is None
    monkeypatch.undo()
    assert mails.mails_send_due(soorten=("te_laat",)) == 1


def test_a_spelotheek_sets_its_own_cap_and_loan_period(partner_a, lid, settings):
    from aanbod.spelotheek.models import Spelotheekregels

    settings.SPELOTHEEK_MAX_UITLENINGEN = 4
    Spelotheekregels.objects.create(partner=partner_a, max_uitleningen=1, uitleendagen=14)
    uitlening = services.uitlening_create(speelgoed=factories.SpeelgoedFactory(partner=partner_a), lid=lid)
    assert uitlening.terug_op == timezone.localdate() + timedelta(days=14)
    with pytest.raises(ValidationError) as error:
        services.uitlening_create(speelgoed=factories.SpeelgoedFactory(partner=partner_a), lid=lid)
    assert error.value.code == "cap"
    assert services.regels(partner_a.pk)["max_verlengingen"] == settings.SPELOTHEEK_MAX_VERLENGINGEN
