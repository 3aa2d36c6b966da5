"""Publishing to UiTdatabank through a durable outbox.

A change that UiTdatabank must hear about writes an `UitOutbox` row in the transaction that made the
change (`aanbod_changed`, `activiteit_changed`, `reeks_changed`, `beschikbaarheid_changed`, called by the
aanbod services; `uitpublicatie_set` when a partner ticks "also in UiTdatabank"). After commit a Celery
task is enqueued for the row; when the broker is away the periodic `uitwisseling.send_due` finds it
anyway.

Sending (`uit_outbox_send`) claims the row with a conditional UPDATE, then the event (one worker per
event at a time), and always sends the *current* state, so rows may come late, twice or in any order:
- a create whose event already has an UiTdatabank id becomes an update;
- a create whose answer was lost (timeout, 5xx after the request went out) is looked up before it is
  sent again, by our unique booking URL, so it is not created twice;
- 5xx, 429, timeouts and a missing connection are retried with exponential backoff; other 4xx fail the
  row (visible in the admin and the portal); a 401 gets a new token once (the client).
Events are never deleted: a cancelled activity or series, or an aanbod taken offline, gets status
`Unavailable`; a cancelled meeting of a series is a cancelled subEvent of the series' event.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanbod.models import Aanbod, Activiteit, Locatie, Reeks
from huisvanhetkind.lib.queue import enqueue_after_commit
from huisvanhetkind.lib.scoping import scopes_disabled
from partners.models import Partner

from . import mapping
from .client import UitdatabankClient, UitdatabankError
from .models import UitEvent, UitOrganisator, UitOutbox, UitPlaats, UitPublicatie

logger = logging.getLogger(__name__)

STALE_CLAIM = dt.timedelta(minutes=10)
BUSY_RETRY = dt.timedelta(seconds=30)
MAX_BACKOFF = dt.timedelta(hours=6)
SEND_DUE_BATCH = 200


def backoff(pogingen: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most six hours."""
    return min(dt.timedelta(minutes=2 ** max(pogingen - 1, 0)), MAX_BACKOFF)


# --- Writing outbox rows -------------------------------------------------------------------------------


def _enqueue(outbox_id: int) -> None:
    from .tasks import send_uitdatabank

    enqueue_after_commit(send_uitdatabank, outbox_id=outbox_id)


def _schedule(event: UitEvent, actie: str) -> UitOutbox | None:
    """One waiting row per event and action is enough: the sender sends the current state."""
    if UitOutbox.objects.filter(event=event, actie=actie, status=UitOutbox.Status.WACHTEND).exists():
        return None
    row = UitOutbox.objects.create(event=event, actie=actie)
    _enqueue(row.pk)
    return row


def _is_actief(aanbod: Aanbod) -> bool:
    return UitPublicatie.objects.filter(aanbod=aanbod, actief=True).exists()


def gewenst(event: UitEvent) -> bool:
    """Should this event be live (Available) in UiTdatabank?"""
    aanbod = event.aanbod
    if not _is_actief(aanbod) or aanbod.status != Aanbod.Status.GEPUBLICEERD:
        return False
    if mapping.niet_verzendbaar(aanbod):
        return False
    if event.soort == UitEvent.Soort.OPENINGSUREN:
        return aanbod.openingsuren.exists()
    if event.soort == UitEvent.Soort.REEKS:
        # A cancelled series, or one whose every meeting was cancelled, is Unavailable as a whole; an
        # event from before series existed is taken over by a series or goes.
        reeks = event.reeks
        if reeks is None or reeks.geannuleerd:
            return False
        meetings = reeks.bijeenkomsten
        return bool(meetings) and not all(m.geannuleerd for m in meetings)
    # A meeting of a series is a subEvent of the series' event, never an event of its own.
    return not event.activiteit.geannuleerd and not event.activiteit.reeks_id


def _event_for(aanbod: Aanbod, eenheid: mapping.Eenheid) -> UitEvent:
    if eenheid.reeks is not None:
        event = UitEvent.objects.filter(reeks=eenheid.reeks).select_related("aanbod", "reeks").first()
        if event is not None:
            return event
        # The meetings of an oudercursus were one event before series existed: the first series takes
        # that event over, so UiTdatabank keeps one event instead of a cancelled one and a new one.
        event = UitEvent.objects.filter(aanbod=aanbod, soort=UitEvent.Soort.REEKS, reeks__isnull=True).first()
        if event is not None:
            event.reeks = eenheid.reeks
            event.save(update_fields=["reeks"])
            return event
        return UitEvent.objects.create(aanbod=aanbod, soort=UitEvent.Soort.REEKS, reeks=eenheid.reeks)
    event, _created = UitEvent.objects.get_or_create(
        aanbod=aanbod, soort=eenheid.soort, activiteit=eenheid.activiteit
    )
    return event


def aanbod_changed(*, aanbod: Aanbod) -> int:
    """Tell UiTdatabank about the current state of an aanbod and its activities, if it is ticked (or was).

    Call it inside the transaction that changed the aanbod. Side effects: creates missing UitEvent rows
    and writes outbox rows (create/update for what should be live, cancel for what was live and should
    not be any more); enqueues their sending after commit. Returns how many rows it wrote.
    """
    with scopes_disabled():
        bekend = list(UitEvent.objects.filter(aanbod=aanbod).select_related("aanbod", "activiteit", "reeks"))
        if not _is_actief(aanbod) and not any(e.uit_id or e.create_verstuurd_op for e in bekend):
            return 0
        rows = 0
        events = {e.pk: e for e in bekend}
        if _is_actief(aanbod) and aanbod.status == Aanbod.Status.GEPUBLICEERD:
            for eenheid in mapping.eenheden(aanbod):
                event = _event_for(aanbod, eenheid)
                events[event.pk] = event
        now = timezone.now()
        for event in events.values():
            if gewenst(event):
                rows += bool(_schedule(event, UitOutbox.Actie.BIJWERKEN))
            elif (event.uit_id or event.create_verstuurd_op) and event.geannuleerd_op is None:
                doel = event.activiteit or event.reeks
                if doel is not None and doel.einde < now:
                    continue  # past: UiTinVlaanderen hides it by itself; never cancel the past
                rows += bool(_schedule(event, UitOutbox.Actie.ANNULEREN))
        return rows


def activiteit_changed(*, activiteit: Activiteit) -> int:
    """An activity was created, changed or cancelled. Side effects: see `aanbod_changed`."""
    return aanbod_changed(aanbod=activiteit.aanbod)


def reeks_changed(*, reeks: Reeks) -> int:
    """A series was created or changed (its capacity, deadline or meetings) or cancelled: its event is
    sent again whole, or cancelled. Side effects: see `aanbod_changed`."""
    return aanbod_changed(aanbod=reeks.aanbod)


def beschikbaarheid_changed(*, activiteit: Activiteit | None = None, reeks: Reeks | None = None) -> int:
    """Places left changed (a registration, a cancellation, a move up from the waiting list) of an
    activity or of a series (whose places every meeting shares).

    Side effects: an outbox row for the booking availability of the activity's or the series' event, if
    it is in UiTdatabank (a create carries the availability itself). Returns how many rows it wrote.
    """
    doel = reeks if reeks is not None else activiteit
    with scopes_disabled():
        wie = Q(reeks_id=reeks.pk) if reeks is not None else Q(activiteit_id=activiteit.pk)
        event = UitEvent.objects.filter(wie).exclude(uit_id="").first()
        if event is None or not _is_actief(doel.aanbod):
            return 0
        return int(bool(_schedule(event, UitOutbox.Actie.BESCHIKBAARHEID)))


def uitpublicatie_set(*, aanbod: Aanbod, actief: bool, user=None) -> UitPublicatie:
    """Tick or untick "also in UiTdatabank" for an aanbod.

    Side effects: saves the choice; in the same transaction, outbox rows to create or update its events
    (ticked) or to cancel those already in UiTdatabank (unticked); sending is enqueued after commit.
    """
    with transaction.atomic(), scopes_disabled():
        publicatie, _created = UitPublicatie.objects.update_or_create(
            aanbod=aanbod,
            defaults={"actief": actief, "gewijzigd_door": user, "gewijzigd_op": timezone.now()},
        )
        aanbod_changed(aanbod=aanbod)
    logger.info("aanbod %s: UiTdatabank %s by user %s", aanbod.pk, actief, getattr(user, "pk", None))
    return publicatie


# --- Sending -------------------------------------------------------------------------------------------


def _claim_row(outbox_id: int, now: dt.datetime) -> bool:
    due = Q(status=UitOutbox.Status.WACHTEND, volgende_poging_op__lte=now) | Q(
        status=UitOutbox.Status.BEZIG, geclaimd_op__lt=now - STALE_CLAIM
    )
    return bool(
        UitOutbox.objects.filter(due, pk=outbox_id).update(status=UitOutbox.Status.BEZIG, geclaimd_op=now)
    )


def _claim_event(event_id: int, now: dt.datetime) -> bool:
    vrij = Q(bezig_sinds__isnull=True) | Q(bezig_sinds__lt=now - STALE_CLAIM)
    return bool(UitEvent.objects.filter(vrij, pk=event_id).update(bezig_sinds=now))


def uit_outbox_send(*, outbox_id: int, client: UitdatabankClient | None = None) -> str:
    """Send one outbox row to UiTdatabank, if it is due and nobody else is sending it.

    Side effects: HTTP calls to the Entry and Search API; the row becomes `verzonden`, `wachtend`
    with a later `volgende_poging_op` (retryable error), or `mislukt`; the event's ids and dates; a
    found or created organizer or place is remembered. Returns what happened (for logs and tests).
    """
    now = timezone.now()
    if not _claim_row(outbox_id, now):
        return "not-due"
    row = UitOutbox.objects.select_related("event__aanbod__partner", "event__activiteit", "event__reeks").get(
        pk=outbox_id
    )
    if not _claim_event(row.event_id, now):
        row.status = UitOutbox.Status.WACHTEND
        row.volgende_poging_op = now + BUSY_RETRY
        row.save(update_fields=["status", "volgende_poging_op"])
        return "busy"
    try:
        _perform(client or UitdatabankClient.from_settings(), row)
    except UitdatabankError as error:
        row.pogingen += 1
        row.laatste_fout = str(error)[:500]
        if error.retryable:
            row.status = UitOutbox.Status.WACHTEND
            row.volgende_poging_op = timezone.now() + backoff(row.pogingen)
        else:
            row.status = UitOutbox.Status.MISLUKT
            row.verwerkt_op = timezone.now()
        row.save(update_fields=["pogingen", "laatste_fout", "status", "volgende_poging_op", "verwerkt_op"])
        logger.warning("UiTdatabank outbox %s: %s (%s)", row.pk, error, row.status)
        return "retry" if error.retryable else "failed"
    except Exception as error:
        # A bug or a database hiccup: log it whole, and retry later like a transient error.
        logger.exception("UiTdatabank outbox %s failed unexpectedly", row.pk)
        row.pogingen += 1
        row.laatste_fout = type(error).__name__
        row.status = UitOutbox.Status.WACHTEND
        row.volgende_poging_op = timezone.now() + backoff(row.pogingen)
        row.save(update_fields=["pogingen", "laatste_fout", "status", "volgende_poging_op"])
        return "retry"
    finally:
        UitEvent.objects.filter(pk=row.event_id).update(bezig_sinds=None)
    row.status = UitOutbox.Status.VERZONDEN
    row.pogingen += 1
    row.laatste_fout = ""
    row.verwerkt_op = timezone.now()
    row.save(update_fields=["status", "pogingen", "laatste_fout", "verwerkt_op"])
    if row.actie == UitOutbox.Actie.BIJWERKEN:
        # A full update sent the state as of the claim: rows written before it add nothing.
        UitOutbox.objects.filter(
            event_id=row.event_id, status=UitOutbox.Status.WACHTEND, aangemaakt_op__lte=now
        ).exclude(actie=UitOutbox.Actie.ANNULEREN).update(status=UitOutbox.Status.OVERBODIG, verwerkt_op=now)
    return "sent"


def _perform(client: UitdatabankClient, row: UitOutbox) -> None:
    event = row.event
    if row.actie == UitOutbox.Actie.ANNULEREN or (
        row.actie == UitOutbox.Actie.BIJWERKEN and not gewenst(event)
    ):
        _cancel(client, event)
    elif row.actie == UitOutbox.Actie.BESCHIKBAARHEID and event.uit_id and gewenst(event):
        if event.soort != UitEvent.Soort.OPENINGSUREN:
            client.update_sub_events(event.uit_id, mapping.sub_events(event))
            client.update_booking_info(event.uit_id, mapping.booking_info(event))
    elif gewenst(event):
        _upsert(client, event)


def _adopt_lost_create(client: UitdatabankClient, event: UitEvent, naam: str) -> None:
    """An earlier create may have arrived without us hearing the answer: find it by our booking URL."""
    if event.uit_id or event.create_verstuurd_op is None:
        return
    eigen = mapping.booking_url(event)
    for doc in client.find_events(name=naam):
        if (doc.get("bookingInfo") or {}).get("url") == eigen and doc.get("@id"):
            event.url = doc["@id"]
            event.uit_id = doc["@id"].rstrip("/").rsplit("/", 1)[-1]
            event.in_uitdatabank_sinds = event.create_verstuurd_op
            event.create_verstuurd_op = None
            event.save(update_fields=["url", "uit_id", "in_uitdatabank_sinds", "create_verstuurd_op"])
            logger.info("UiTdatabank event %s: an earlier create had arrived; updating it", event.pk)
            return


def _upsert(client: UitdatabankClient, event: UitEvent) -> None:
    organizer_url = organizer_for(client, partner=event.aanbod.partner)
    place_url = place_for(client, event=event)
    payload = mapping.event_payload(event, organizer_url=organizer_url, place_url=place_url)
    _adopt_lost_create(client, event, payload["name"]["nl"])
    now = timezone.now()
    if event.uit_id:
        client.update_event(event.uit_id, payload)
    else:
        event.create_verstuurd_op = now
        event.save(update_fields=["create_verstuurd_op"])
        created = client.create_event({**payload, "workflowStatus": "READY_FOR_VALIDATION"})
        event.uit_id, event.url = created.id, created.url
        event.in_uitdatabank_sinds = now
        event.create_verstuurd_op = None
    event.verzonden_hash = mapping.payload_hash(payload)
    event.laatst_verzonden_op = now
    event.geannuleerd_op = None
    event.save(
        update_fields=[
            "uit_id",
            "url",
            "in_uitdatabank_sinds",
            "create_verstuurd_op",
            "verzonden_hash",
            "laatst_verzonden_op",
            "geannuleerd_op",
        ]
    )


def _cancel(client: UitdatabankClient, event: UitEvent) -> None:
    if not event.uit_id and event.create_verstuurd_op is not None:
        _adopt_lost_create(client, event, mapping._name(event)["nl"])
    if not event.uit_id or event.geannuleerd_op is not None:
        return
    doel = event.activiteit or event.reeks
    geannuleerd = doel is not None and (
        doel.geannuleerd or (event.reeks_id is not None and all(m.geannuleerd for m in doel.bijeenkomsten))
    )
    reden = mapping.GEANNULEERD if geannuleerd else mapping.NIET_MEER
    client.update_status(event.uit_id, {"type": "Unavailable", "reason": reden})
    event.geannuleerd_op = timezone.now()
    event.verzonden_hash = ""
    event.save(update_fields=["geannuleerd_op", "verzonden_hash"])


def organizer_for(client: UitdatabankClient, *, partner: Partner) -> str:
    """The partner's organizer in UiTdatabank: remembered, else found (website, then name), else created.

    publiq requires reusing what exists; a new organizer is created only when nothing matches."""
    with scopes_disabled():
        bekend = UitOrganisator.objects.filter(partner=partner).first()
        if bekend:
            return bekend.url
        gevonden = client.find_organizers(website=partner.website, name=partner.naam)
        if gevonden:
            url, aangemaakt = gevonden[0]["@id"], False
        else:
            url, aangemaakt = client.create_organizer(mapping.organizer_payload(partner)).url, True
        UitOrganisator.objects.create(
            partner=partner, uit_id=url.rstrip("/").rsplit("/", 1)[-1], url=url, aangemaakt=aangemaakt
        )
        return url


def place_for(client: UitdatabankClient, *, event: UitEvent) -> str:
    """The event's place in UiTdatabank (publiq's online place for online events); found or created once."""
    locatie = mapping.locatie_van(event)
    if locatie is None:
        if mapping.is_online(event):
            return f"{client.entry_url}/places/{mapping.ONLINE_PLAATS}"
        raise UitdatabankError(str(mapping.GEEN_LOCATIE), retryable=False)
    return _place_for_locatie(client, locatie)


def _place_for_locatie(client: UitdatabankClient, locatie: Locatie) -> str:
    bekend = UitPlaats.objects.filter(locatie=locatie).first()
    if bekend:
        return bekend.url
    gevonden = client.find_places(name=locatie.naam, postcode=locatie.postcode)
    if gevonden:
        url, aangemaakt = gevonden[0]["@id"], False
    else:
        url, aangemaakt = client.create_place(mapping.place_payload(locatie)).url, True
    UitPlaats.objects.create(
        locatie=locatie, uit_id=url.rstrip("/").rsplit("/", 1)[-1], url=url, aangemaakt=aangemaakt
    )
    return url


def uit_outbox_send_due(*, client: UitdatabankClient | None = None) -> int:
    """Send every due row (waiting and due, or claimed by a worker that died). Returns how many were sent.

    Side effects: see `uit_outbox_send`."""
    now = timezone.now()
    with scopes_disabled():
        due = list(
            UitOutbox.objects.filter(
                Q(status=UitOutbox.Status.WACHTEND, volgende_poging_op__lte=now)
                | Q(status=UitOutbox.Status.BEZIG, geclaimd_op__lt=now - STALE_CLAIM)
            )
            .order_by("volgende_poging_op", "id")
            .values_list("pk", flat=True)[:SEND_DUE_BATCH]
        )
        if not due:
            return 0
        if client is None and settings.UITDATABANK_CLIENT_ID:
            client = UitdatabankClient.from_settings()
        return sum(uit_outbox_send(outbox_id=pk, client=client) == "sent" for pk in due)


def _known_urls(event: UitEvent) -> tuple[str, str] | None:
    """The organizer and place URLs the event would be sent with, if both are known already."""
    organizer = UitOrganisator.objects.filter(partner_id=event.aanbod.partner_id).first()
    if organizer is None:
        return None
    locatie = mapping.locatie_van(event)
    if locatie is None:
        if not mapping.is_online(event):
            return None
        return organizer.url, f"{settings.UITDATABANK_ENTRY_URL}/places/{mapping.ONLINE_PLAATS}"
    plaats = UitPlaats.objects.filter(locatie=locatie).first()
    return (organizer.url, plaats.url) if plaats else None


def uit_reconcile() -> int:
    """Notice changes that no service reported (an edit in the admin, a new activity): for every ticked
    aanbod, compare what would be sent with what was sent. Side effects: outbox rows for the differences
    (and events for new activities). Returns how many rows it wrote."""
    rows = 0
    with scopes_disabled():
        for publicatie in UitPublicatie.objects.filter(actief=True).select_related("aanbod"):
            aanbod = publicatie.aanbod
            with transaction.atomic():
                gepubliceerd = aanbod.status == Aanbod.Status.GEPUBLICEERD
                if gepubliceerd and any(
                    not UitEvent.objects.filter(
                        aanbod=aanbod, soort=e.soort, activiteit=e.activiteit, reeks=e.reeks
                    ).exists()
                    for e in mapping.eenheden(aanbod)
                ):
                    rows += aanbod_changed(aanbod=aanbod)
                    continue
                lopend = Q(activiteit__isnull=True) | Q(activiteit__einde__gte=timezone.now())
                for event in UitEvent.objects.filter(lopend, aanbod=aanbod).select_related(
                    "aanbod", "activiteit", "reeks"
                ):
                    if not gewenst(event):
                        if event.uit_id and event.geannuleerd_op is None:
                            rows += aanbod_changed(aanbod=aanbod)
                            break
                        continue
                    urls = _known_urls(event)
                    if urls is None or not event.uit_id:
                        rows += bool(_schedule(event, UitOutbox.Actie.BIJWERKEN))
                        continue
                    payload = mapping.event_payload(event, organizer_url=urls[0], place_url=urls[1])
                    if mapping.payload_hash(payload) != event.verzonden_hash:
                        rows += bool(_schedule(event, UitOutbox.Actie.BIJWERKEN))
    return rows


def uit_outbox_prune(*, days: int = 90) -> int:
    """Delete outbox rows that were sent or superseded more than `days` ago (failed rows stay, for the
    admin). Returns how many were deleted."""
    grens = timezone.now() - dt.timedelta(days=days)
    with scopes_disabled():
        deleted, _ = UitOutbox.objects.filter(
            status__in=[UitOutbox.Status.VERZONDEN, UitOutbox.Status.OVERBODIG], verwerkt_op__lt=grens
        ).delete()
    return deleted


# --- What the portal and the admin show ---------------------------------------------------------------


@dataclass
class EventStaat:
    event: UitEvent
    label: str
    detail: str = ""
    moment: dt.datetime | None = None


def event_staat(event: UitEvent, rows: list[UitOutbox]) -> EventStaat:
    """One line of state: sent since …, waiting to retry at …, failed, cancelled or queued."""
    open_rows = [r for r in rows if r.status in (UitOutbox.Status.WACHTEND, UitOutbox.Status.BEZIG)]
    retry = [r for r in open_rows if r.pogingen]
    if retry:
        r = min(retry, key=lambda r: r.volgende_poging_op)
        return EventStaat(event, str(_("Waiting to retry")), r.laatste_fout, r.volgende_poging_op)
    failed = [r for r in rows if r.status == UitOutbox.Status.MISLUKT]
    if failed and (event.laatst_verzonden_op is None or failed[-1].verwerkt_op > event.laatst_verzonden_op):
        return EventStaat(
            event, str(_("Refused by UiTdatabank")), failed[-1].laatste_fout, failed[-1].verwerkt_op
        )
    if open_rows:
        return EventStaat(event, str(_("Waiting to be sent")))
    if event.geannuleerd_op:
        return EventStaat(event, str(_("Cancelled in UiTdatabank")), moment=event.geannuleerd_op)
    if event.in_uitdatabank_sinds:
        return EventStaat(event, str(_("In UiTdatabank since")), moment=event.in_uitdatabank_sinds)
    return EventStaat(event, str(_("Not sent")))


def uit_overzicht(aanbod: Aanbod) -> dict:
    """What the partner's aanbod page shows: ticked or not, why it is never sent, state per event."""
    with scopes_disabled():
        publicatie = UitPublicatie.objects.filter(aanbod=aanbod).first()
        # What is still on, and what ended in the last week; older activities only crowd the page.
        recent = Q(activiteit__isnull=True) | Q(activiteit__einde__gte=timezone.now() - dt.timedelta(days=7))
        events = list(
            UitEvent.objects.filter(recent, aanbod=aanbod)
            .select_related("activiteit__aanbod", "reeks__aanbod")
            .prefetch_related("outbox")
            .order_by("activiteit__start", "pk")
        )
        staten = [event_staat(e, sorted(e.outbox.all(), key=lambda r: r.pk)) for e in events]
    return {
        "actief": bool(publicatie and publicatie.actief),
        "reden": mapping.niet_verzendbaar(aanbod),
        "staten": staten,
        "verbonden": bool(settings.UITDATABANK_CLIENT_ID),
    }
