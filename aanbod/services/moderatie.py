"""Moderation of aanbod (submit, propose a change, publish, reject, archive, confirm).

Aanbod moves through `concept → ingediend → gepubliceerd` (or `afgewezen`, `gearchiveerd`). A trusted
partner's submissions and edits publish directly. An edit of a published aanbod of an untrusted partner is
kept aside in `voorgestelde_wijziging` until a coordinator publishes or rejects it, so the published
version stays online meanwhile.
"""

import json
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from aanbod.models import Aanbod
from aanbod.uitwisseling import services as uitdatabank
from huisvanhetkind.lib.files import delete_replaced
from huisvanhetkind.lib.mail import mail_send
from huisvanhetkind.lib.queue import enqueue_after_commit
from partners.services import partner_ontvangers

logger = logging.getLogger(__name__)


class Besluit:
    """What a moderation mail tells the partner (a plain string travels through Celery)."""

    GEPUBLICEERD = "gepubliceerd"
    AFGEWEZEN = "afgewezen"
    WIJZIGING_GEPUBLICEERD = "wijziging_gepubliceerd"
    WIJZIGING_AFGEWEZEN = "wijziging_afgewezen"

    ALL = (GEPUBLICEERD, AFGEWEZEN, WIJZIGING_GEPUBLICEERD, WIJZIGING_AFGEWEZEN)


# --- Serialising a form's cleaned_data into a proposed change ------------------------------------------


def _editable_field(name: str) -> models.Field | None:
    """The Aanbod field a proposed change may touch (no images, nothing the partner cannot edit)."""
    try:
        field = Aanbod._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if (
        not getattr(field, "editable", False)
        or field.auto_created
        or not field.concrete
        and not field.many_to_many
    ):
        return None
    if isinstance(field, models.FileField) or field.primary_key:
        return None
    if name in {
        "status",
        "voorgestelde_wijziging",
        "afwijsreden",
        "partner",
        "ingediend_op",
        "gepubliceerd_op",
    }:
        return None
    return field


def _serialise(field: models.Field, value: Any) -> Any:
    """A JSON-safe value: pks for relations, ISO strings for dates, strings for decimals."""
    if field.many_to_many:
        if value is None:
            return []
        return sorted(obj.pk if isinstance(obj, models.Model) else obj for obj in value)
    if field.is_relation:
        return value.pk if isinstance(value, models.Model) else value
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _current(aanbod: Aanbod, field: models.Field) -> Any:
    if field.many_to_many:
        if not aanbod.pk:
            return []
        return sorted(getattr(aanbod, field.name).values_list("pk", flat=True))
    if field.is_relation:
        return getattr(aanbod, field.attname)
    return _serialise(field, getattr(aanbod, field.attname))


def wijziging_from_data(*, aanbod: Aanbod, data: dict) -> dict:
    """The fields of `data` (a ModelForm's cleaned_data) that differ from the published aanbod, as JSON."""
    wijziging = {}
    for name, value in data.items():
        field = _editable_field(name)
        if field is None:
            continue
        nieuw = _serialise(field, value)
        if nieuw != _current(aanbod, field):
            wijziging[name] = nieuw
    return wijziging


def _apply_wijziging(aanbod: Aanbod, wijziging: dict) -> list:
    """Set the stored change on the instance; returns (field, pks) pairs to set after saving."""
    m2m = []
    for name, value in wijziging.items():
        field = _editable_field(name)
        if field is None:
            continue  # a field that no longer exists or became read-only
        if field.many_to_many:
            m2m.append((field, value or []))
        elif field.is_relation:
            setattr(aanbod, field.attname, field.target_field.to_python(value) if value is not None else None)
        else:
            setattr(aanbod, field.attname, field.to_python(value))
    return m2m


def _apply_data(aanbod: Aanbod, data: dict) -> list:
    """Set cleaned_data on the instance like a ModelForm does; returns M2M pairs to set after saving."""
    m2m = []
    for name, value in data.items():
        try:
            field = Aanbod._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not getattr(field, "editable", False) or field.auto_created or field.primary_key:
            continue
        if name in {"status", "voorgestelde_wijziging"}:
            continue
        if field.many_to_many:
            m2m.append((field, list(value or [])))
        elif field.concrete:
            field.save_form_data(aanbod, value)
    return m2m


# --- Reading a proposed change ------------------------------------------------------------------------


@dataclass(frozen=True)
class Verschil:
    veld: str
    label: str
    oud: str
    nieuw: str


def _display(field: models.Field, value: Any) -> str:
    """A value as a coordinator reads it: choice labels, names of related objects, yes/no."""
    if field.many_to_many:
        pks = value or []
        if not pks:
            return "—"
        objs = field.related_model._default_manager.filter(pk__in=pks)
        return ", ".join(sorted(str(obj) for obj in objs))
    if value is None or value == "" or value == []:
        return "—"
    if field.is_relation:
        obj = field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("yes") if value else _("no"))
    if field.name == "doelgroepen":
        from aanbod.models import Doelgroep

        labels = dict(Doelgroep.choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value) if isinstance(value, str) else value
        return (
            formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else str(value)
        )
    if isinstance(field, models.DateField):
        datum = parse_date(value) if isinstance(value, str) else value
        return formats.date_format(datum, "SHORT_DATE_FORMAT") if datum else str(value)
    if isinstance(field, models.DecimalField):
        return formats.localize(Decimal(str(value)))
    return str(value)


def voorgestelde_wijziging_diff(aanbod: Aanbod) -> list[Verschil]:
    """The pending change of an aanbod as readable (field, old, new) rows; empty without one."""
    rows = []
    for name, nieuw in (aanbod.voorgestelde_wijziging or {}).items():
        field = _editable_field(name)
        if field is None:
            continue
        oud = _current(aanbod, field)
        rows.append(
            Verschil(
                veld=name,
                label=capfirst(str(field.verbose_name)),
                oud=_display(field, oud),
                nieuw=_display(field, nieuw),
            )
        )
    return rows


def aanbod_overzicht(aanbod: Aanbod) -> list[tuple[str, str]]:
    """The filled-in fields of an aanbod as readable (label, value) rows, for a moderator's first look."""
    rows = []
    for field in Aanbod._meta.get_fields():
        if _editable_field(field.name) is None or field.name in {
            "titel",
            "slug",
            "beschrijving",
            "nagekeken_op",
        }:
            continue
        value = _display(field, _current(aanbod, field))
        if value not in ("—", str(_("no"))):
            rows.append((capfirst(str(field.verbose_name)), value))
    return rows


# --- Use cases -----------------------------------------------------------------------------------------


def _enqueue_mail(aanbod: Aanbod, besluit: str) -> None:
    from aanbod.tasks.moderatie import mail_moderatie_besluit

    aanbod_id = aanbod.pk
    # With the broker away the decision still stands; the mail is logged as not sent.
    enqueue_after_commit(mail_moderatie_besluit, aanbod_id=aanbod_id, besluit=besluit)


def _publish(aanbod: Aanbod, *, notify: bool) -> Aanbod:
    wijziging = aanbod.voorgestelde_wijziging
    was_published = aanbod.status == Aanbod.Status.GEPUBLICEERD
    now = timezone.now()
    with transaction.atomic():
        m2m = _apply_wijziging(aanbod, wijziging) if wijziging else []
        aanbod.voorgestelde_wijziging = None
        aanbod.status = Aanbod.Status.GEPUBLICEERD
        if not was_published or aanbod.gepubliceerd_op is None:
            aanbod.gepubliceerd_op = now
        aanbod.nagekeken_op = timezone.localdate()
        aanbod.afwijsreden = ""
        aanbod.full_clean(exclude=["afbeelding"])
        aanbod.save()
        for field, pks in m2m:
            getattr(aanbod, field.name).set(pks)
        uitdatabank.aanbod_changed(aanbod=aanbod)
        if notify:
            besluit = Besluit.WIJZIGING_GEPUBLICEERD if was_published and wijziging else Besluit.GEPUBLICEERD
            _enqueue_mail(aanbod, besluit)
    return aanbod


def aanbod_submit(*, aanbod: Aanbod, user) -> Aanbod:
    """Submit a draft (or a rejected aanbod) for moderation: status `ingediend`, `ingediend_op` now.

    A trusted partner's aanbod is published at once instead (no mail: the partner did it themselves).
    Raises ValidationError for an aanbod in another status.
    """
    if aanbod.status not in (Aanbod.Status.CONCEPT, Aanbod.Status.AFGEWEZEN, Aanbod.Status.INGEDIEND):
        raise ValidationError(_("Only a draft or a rejected aanbod can be submitted."))
    if aanbod.partner.vertrouwd:
        aanbod.ingediend_op = timezone.now()
        return _publish(aanbod, notify=False)
    if aanbod.status == Aanbod.Status.INGEDIEND:
        return aanbod  # submitted twice: nothing changes
    aanbod.status = Aanbod.Status.INGEDIEND
    aanbod.ingediend_op = timezone.now()
    aanbod.save(update_fields=["status", "ingediend_op", "bijgewerkt_op"])
    logger.info("aanbod %s submitted by user %s", aanbod.pk, getattr(user, "pk", None))
    return aanbod


def aanbod_propose_change(*, aanbod: Aanbod, data: dict, user) -> Aanbod:
    """Store an edit (a ModelForm's cleaned_data) of an aanbod.

    For a published aanbod of an untrusted partner the edit is kept in `voorgestelde_wijziging` (only the
    fields that differ from the published version; M2M as lists of pks; images are not part of it) and the
    published fields stay as they are, so the published version stays online until a coordinator decides.
    A new proposal replaces an older pending one; an edit back to the published version withdraws it.
    For a trusted partner or an aanbod that is not published the data is applied directly (and a pending
    change is dropped). No mail is sent.
    """
    if aanbod.status == Aanbod.Status.GEPUBLICEERD and not aanbod.partner.vertrouwd:
        wijziging = wijziging_from_data(aanbod=aanbod, data=data)
        aanbod.voorgestelde_wijziging = wijziging or None
        fields = ["voorgestelde_wijziging", "bijgewerkt_op"]
        if wijziging:
            aanbod.ingediend_op = timezone.now()
            aanbod.afwijsreden = ""  # an older rejection no longer applies
            fields += ["ingediend_op", "afwijsreden"]
        aanbod.save(update_fields=fields)
        logger.info("aanbod %s: change proposed by user %s", aanbod.pk, getattr(user, "pk", None))
        return aanbod
    with transaction.atomic():
        m2m = _apply_data(aanbod, data)
        aanbod.voorgestelde_wijziging = None
        aanbod.save()
        for field, values in m2m:
            getattr(aanbod, field.name).set(values)
    return aanbod


def aanbod_edit(*, aanbod: Aanbod, data: dict, user, afbeelding=None, indienen: bool = False) -> Aanbod:
    """A partner saves the portal's edit form: `data` (cleaned_data without the picture) as a proposed or
    direct change (`aanbod_propose_change`), a new picture (`afbeelding`, when given; False clears it) at
    once — pictures are never part of a proposed change — and, with `indienen`, a draft or rejected aanbod
    submitted (`aanbod_submit`).

    Side effects: those of the two services; the replaced picture's file is deleted after commit.
    """
    oud = aanbod.afbeelding.name if aanbod.afbeelding else ""
    with transaction.atomic():
        aanbod = aanbod_propose_change(aanbod=aanbod, data=data, user=user)
        if afbeelding is not None:
            Aanbod._meta.get_field("afbeelding").save_form_data(aanbod, afbeelding)
            aanbod.save(update_fields=["afbeelding", "bijgewerkt_op"])
        if indienen and aanbod.status in (Aanbod.Status.CONCEPT, Aanbod.Status.AFGEWEZEN):
            aanbod_submit(aanbod=aanbod, user=user)
        nieuw = aanbod.afbeelding.name if aanbod.afbeelding else ""
        storage = aanbod.afbeelding.storage
        transaction.on_commit(lambda: delete_replaced(storage, oud, nieuw))
    return aanbod


def aanbod_publish(*, aanbod: Aanbod, user) -> Aanbod:
    """Publish an aanbod, applying and clearing a pending `voorgestelde_wijziging`.

    Sets status `gepubliceerd`, `gepubliceerd_op` (first publication), `nagekeken_op` today, clears
    `afwijsreden`; validates with full_clean (ValidationError if the result is invalid). Mails the partner
    after commit.
    """
    if aanbod.status == Aanbod.Status.GEPUBLICEERD and not aanbod.voorgestelde_wijziging:
        return aanbod  # nothing to decide
    _publish(aanbod, notify=True)
    logger.info("aanbod %s published by user %s", aanbod.pk, getattr(user, "pk", None))
    return aanbod


def aanbod_reject(*, aanbod: Aanbod, user, reden: str) -> Aanbod:
    """Reject a submitted aanbod (status `afgewezen`) or the pending change of a published one.

    A rejected change is dropped and the aanbod stays published. The reason is required and is stored in
    `afwijsreden` so the partner sees it. Mails the partner after commit. ValidationError when there is no
    reason or nothing to reject.
    """
    reden = (reden or "").strip()
    if not reden:
        raise ValidationError(_("Give a reason, so the partner knows what to change."))
    with transaction.atomic():
        if aanbod.status == Aanbod.Status.GEPUBLICEERD and aanbod.voorgestelde_wijziging:
            aanbod.voorgestelde_wijziging = None
            besluit = Besluit.WIJZIGING_AFGEWEZEN
        elif aanbod.status == Aanbod.Status.INGEDIEND:
            aanbod.status = Aanbod.Status.AFGEWEZEN
            besluit = Besluit.AFGEWEZEN
        else:
            raise ValidationError(_("Only a submitted aanbod or a proposed change can be rejected."))
        aanbod.afwijsreden = reden
        aanbod.save(update_fields=["status", "voorgestelde_wijziging", "afwijsreden", "bijgewerkt_op"])
        _enqueue_mail(aanbod, besluit)
    logger.info("aanbod %s rejected by user %s", aanbod.pk, getattr(user, "pk", None))
    return aanbod


def aanbod_archive(*, aanbod: Aanbod, user) -> Aanbod:
    """Take an aanbod offline for good (status `gearchiveerd`); a pending change is dropped. No mail."""
    aanbod.status = Aanbod.Status.GEARCHIVEERD
    aanbod.voorgestelde_wijziging = None
    with transaction.atomic():
        aanbod.save(update_fields=["status", "voorgestelde_wijziging", "bijgewerkt_op"])
        uitdatabank.aanbod_changed(aanbod=aanbod)
    logger.info("aanbod %s archived by user %s", aanbod.pk, getattr(user, "pk", None))
    return aanbod


def aanbod_mark_nagekeken(*, aanbod: Aanbod, user=None) -> Aanbod:
    """Record that the aanbod is still correct: `nagekeken_op` today. No mail."""
    aanbod.nagekeken_op = timezone.localdate()
    aanbod.save(update_fields=["nagekeken_op", "bijgewerkt_op"])
    return aanbod


# --- The moderation mail --------------------------------------------------------------------------------


def _absolute(name: str, **kwargs) -> str:
    try:
        return settings.SITE_URL + reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return settings.SITE_URL + "/"


def aanbod_mail_besluit(*, aanbod: Aanbod, besluit: str) -> int:
    """Mail the partner (its e-mail and beheerders) a moderation decision. Returns the number of mails."""
    if besluit not in Besluit.ALL:
        raise ValueError(f"unknown besluit {besluit!r}")
    template = (
        "aanbod_gepubliceerd"
        if besluit in (Besluit.GEPUBLICEERD, Besluit.WIJZIGING_GEPUBLICEERD)
        else ("aanbod_afgewezen")
    )
    context = {
        "aanbod": aanbod,
        "partner": aanbod.partner,
        "wijziging": besluit in (Besluit.WIJZIGING_GEPUBLICEERD, Besluit.WIJZIGING_AFGEWEZEN),
        "reden": aanbod.afwijsreden,
        "aanbod_url": _absolute("aanbod_detail", slug=aanbod.slug),
        "portal_url": _absolute("partner_dashboard"),
    }
    return mail_send(
        template=f"aanbod/emails/{template}", to=partner_ontvangers(aanbod.partner), context=context
    )
