"""Nagekeken: partners check now and then that their aanbod is still correct.

Once a month each partner gets one mail listing its published aanbod not confirmed for
settings.AANBOD_NAGEKEKEN_MONTHS months. Per aanbod the mail has two links:

- "still correct": a signed link (django.core.signing, expires after NAGEKEKEN_LINK_DAYS) that works without
  logging in. The mail often goes to a shared address of the organisation and the person reading it may
  have no account or have forgotten the password; a login would turn a one-click answer into a chore, and
  the answer would not come. The link can do one harmless thing only (set `nagekeken_op` of that one
  aanbod to today) and it asks for a click on a button first, so a mail scanner that opens links does not
  confirm anything by itself.
- "edit": the normal portal page, behind the login.

Aanbod not confirmed for a year is flagged on the dashboard (and filtered in the admin).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from aanbod.models import Aanbod
from huisvanhetkind.lib.mail import mail_send
from huisvanhetkind.lib.scoping import scopes_disabled
from partners.models import Partner
from partners.services import partner_ontvangers

logger = logging.getLogger(__name__)

# The salt and the claim key keep their old words: links already mailed must keep working, and a
# reminder already sent this month must not go out twice.
SALT = "aanbod.freshness.confirm"
NAGEKEKEN_LINK_DAYS = 45
JAAR_DAGEN = 365


def nagekeken_days() -> int:
    """settings.AANBOD_NAGEKEKEN_MONTHS in days (a month counted as 1/12 of a year)."""
    return round(settings.AANBOD_NAGEKEKEN_MONTHS * 365.25 / 12)


def aanbod_te_nakijken(partner: Partner | None = None):
    """Published aanbod not confirmed for AANBOD_NAGEKEKEN_MONTHS months (of one partner, or of all)."""
    qs = Aanbod.objects.gepubliceerd().niet_nagekeken_sinds(nagekeken_days())
    if partner is not None:
        qs = qs.filter(partner=partner)
    return qs.order_by("nagekeken_op", "titel")


def aanbod_lang_niet_nagekeken(queryset=None):
    """Published aanbod not confirmed for a year: flagged on the dashboard."""
    qs = queryset if queryset is not None else Aanbod.objects.all()
    return qs.filter(status=Aanbod.Status.GEPUBLICEERD).niet_nagekeken_sinds(JAAR_DAGEN)


def nagekeken_token(aanbod: Aanbod) -> str:
    return signing.dumps({"a": aanbod.pk}, salt=SALT, compress=True)


def nagekeken_aanbod(token: str) -> Aanbod | None:
    """The aanbod of a valid, unexpired confirm link, or None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(days=NAGEKEKEN_LINK_DAYS))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    pk = data.get("a") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    # The signed link is the capability (it works without login): the lookup runs with scopes disabled.
    with scopes_disabled():
        return (
            Aanbod.objects.select_related("partner")
            .exclude(status=Aanbod.Status.GEARCHIVEERD)
            .filter(pk=pk)
            .first()
        )


def nagekeken_urls(aanbod: Aanbod) -> dict[str, str]:
    return {
        "nakijk_url": settings.SITE_URL
        + reverse("portal_aanbod_nagekeken_link", kwargs={"token": nagekeken_token(aanbod)}),
        "bewerk_url": settings.SITE_URL + reverse("portal_aanbod_bewerken", kwargs={"pk": aanbod.pk}),
    }


def partners_met_aanbod_te_nakijken() -> list[int]:
    return list(
        Partner.objects.actief()
        .filter(pk__in=aanbod_te_nakijken().values("partner_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def partner_remind_nagekeken(*, partner: Partner) -> int:
    """Mail `partner` the list of its aanbod to confirm, with a confirm and an edit link per aanbod.

    Returns the number of mails sent (0 when nothing is due or nobody can receive it).
    """
    items = list(aanbod_te_nakijken(partner))
    ontvangers = partner_ontvangers(partner)
    if not items or not ontvangers:
        return 0
    context = {
        "partner": partner,
        "items": [{"aanbod": aanbod, **nagekeken_urls(aanbod)} for aanbod in items],
        "maanden": settings.AANBOD_NAGEKEKEN_MONTHS,
        "link_dagen": NAGEKEKEN_LINK_DAYS,
        "portal_url": settings.SITE_URL + reverse("partner_dashboard"),
    }
    sent = mail_send(template="aanbod/emails/nagekeken_reminder", to=ontvangers, context=context)
    logger.info("nagekeken reminder for partner %s: %d aanbod", partner.pk, len(items))
    return sent


def claim_key(partner_id: int) -> str:
    today = timezone.localdate()
    return f"freshness:{partner_id}:{today:%Y-%m}"
