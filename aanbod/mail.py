"""Render and send an e-mail from a subject/text/html template triplet, in a given language.

Templates live as `<name>_subject.txt`, `<name>.txt` and `<name>.html` (for example
`aanbod/emails/inschrijving_bevestiging`). Every template gets `netwerk` and `site_url` besides the
context passed in. Rendering happens inside `translation.override(taal)`, so `{% translate %}`, dates
and `{% url %}` (with its language prefix) follow the language of the person who gets the mail.

    mail_send(template="aanbod/emails/inschrijving_bevestiging", to=[email], taal="fr",
              context={...}, attachments=[("activiteit.ics", data, "text/calendar")])

To send many messages over one connection (reminders), build them with `mail_build` and pass the list
to `mail_send_many`. `mail_render` and `mail_message` are the two halves of `mail_build`, for callers
that reuse rendered texts.
"""

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

Attachment = tuple[str, bytes | str, str]


class MailTexts(NamedTuple):
    subject: str
    text: str
    html: str


def _netwerk():
    from partners.models import Netwerk

    return Netwerk.load()


def mail_render(
    *, template: str, context: dict[str, Any] | None = None, taal: str | None = None
) -> MailTexts:
    """Render the triplet in `taal`: (subject on one line, plain text, HTML)."""
    context = {"site_url": settings.SITE_URL, **(context or {})}
    if "netwerk" not in context:
        context["netwerk"] = _netwerk()
    with translation.override(taal or settings.LANGUAGE_CODE):
        context.setdefault("taal", translation.get_language())
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    # A subject is one line: header injection is impossible and mail clients show it whole.
    return MailTexts(" ".join(subject.split()), text, html)


def mail_message(
    texts: MailTexts,
    *,
    to: Sequence[str],
    attachments: Iterable[Attachment] = (),
    reply_to: Sequence[str] = (),
) -> EmailMultiAlternatives:
    """An unsent message from rendered texts."""
    message = EmailMultiAlternatives(
        subject=texts.subject,
        body=texts.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to),
    )
    message.attach_alternative(texts.html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def mail_build(
    *,
    template: str,
    to: Sequence[str],
    context: dict[str, Any] | None = None,
    taal: str | None = None,
    attachments: Iterable[Attachment] = (),
    reply_to: Sequence[str] = (),
) -> EmailMultiAlternatives:
    """An unsent message: subject (one line), a plain text body and an HTML alternative."""
    texts = mail_render(template=template, context=context, taal=taal)
    return mail_message(texts, to=to, attachments=attachments, reply_to=reply_to)


def mail_send_many(messages: Sequence[EmailMultiAlternatives], *, connection=None) -> int:
    """Send over one connection of the default mailer; returns how many were sent. Raises on failure."""
    if not messages:
        return 0
    connection = connection or mail.mailers.default
    return connection.send_messages(list(messages)) or 0


def mail_send(
    *,
    template: str,
    to: Sequence[str],
    context: dict[str, Any] | None = None,
    taal: str | None = None,
    attachments: Iterable[Attachment] = (),
    reply_to: Sequence[str] = (),
) -> int:
    """Render and send one message; returns 1 when sent (0 without recipients). Raises on SMTP errors."""
    recipients = [address for address in to if address]
    if not recipients:
        return 0
    message = mail_build(
        template=template,
        to=recipients,
        context=context,
        taal=taal,
        attachments=attachments,
        reply_to=reply_to,
    )
    return mail_send_many([message])
