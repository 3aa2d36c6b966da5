"""Render and send an e-mail from a subject/text/html template triplet, in a given language.

The one way the portal renders and sends mail. Templates live as `<name>_subject.txt`, `<name>.txt` and
`<name>.html` (for example `aanbod/emails/inschrijving_bevestiging`). Every template gets `site_url`,
`taal` and what the callables named in `settings.MAIL_CONTEXT_PROCESSORS` return (the Netwerk, from
the partners app: this module imports no app) besides the context passed in; the caller's keys win.
Rendering happens inside `translation.override(taal)`, so `{% translate %}`, dates and `{% url %}` (with
its language prefix) follow the language of the person who gets the mail.

    mail_send(template="aanbod/emails/inschrijving_bevestiging", to=[email], taal="fr",
              context={...}, attachments=[("activiteit.ics", data, "text/calendar")])

To send many messages over one connection (reminders), build them with `mail_build` and pass the list
to `mail_send_many`. `mail_render` and `mail_message` are the two halves of `mail_build`, for callers
that reuse rendered texts. `mail_recipients` makes a clean list of addresses (no blanks, no doubles).

MAIL_ERRORS are what "the mail did not go out" looks like; MAIL_REFUSED is the server refusing an
address, which no retry will fix.
"""

import smtplib
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string

Attachment = tuple[str, bytes | str, str]

# Anything that means "the mail did not go out": SMTP replies and network trouble.
MAIL_ERRORS = (smtplib.SMTPException, OSError)
# The server refused this one address: retrying will not help.
MAIL_REFUSED = (smtplib.SMTPRecipientsRefused,)


class MailTexts(NamedTuple):
    subject: str
    text: str
    html: str


def _context_processors() -> list:
    return [import_string(path) for path in getattr(settings, "MAIL_CONTEXT_PROCESSORS", ())]


def mail_recipients(addresses: Iterable[str | None]) -> list[str]:
    """The addresses without blanks and without doubles (case-insensitive), in their first order."""
    seen: dict[str, str] = {}
    for address in addresses:
        address = (address or "").strip()
        if address:
            seen.setdefault(address.lower(), address)
    return list(seen.values())


def mail_render(
    *, template: str, context: dict[str, Any] | None = None, taal: str | None = None
) -> MailTexts:
    """Render the triplet in `taal`: (subject on one line, plain text, HTML)."""
    context = {"site_url": settings.SITE_URL, **(context or {})}
    for processor in _context_processors():
        for key, value in processor(None).items():
            context.setdefault(key, value)
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
    bcc: Sequence[str] = (),
) -> EmailMultiAlternatives:
    """An unsent message from rendered texts (`bcc` for staff who need not see each other's address)."""
    message = EmailMultiAlternatives(
        subject=texts.subject,
        body=texts.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        bcc=list(bcc),
        reply_to=list(reply_to),
    )
    message.attach_alternative(texts.html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def mail_build(
    *,
    template: str,
    to: Sequence[str] = (),
    context: dict[str, Any] | None = None,
    taal: str | None = None,
    attachments: Iterable[Attachment] = (),
    reply_to: Sequence[str] = (),
    bcc: Sequence[str] = (),
) -> EmailMultiAlternatives:
    """An unsent message: subject (one line), a plain text body and an HTML alternative."""
    texts = mail_render(template=template, context=context, taal=taal)
    return mail_message(texts, to=to, attachments=attachments, reply_to=reply_to, bcc=bcc)


def mail_send_many(messages: Sequence[EmailMultiAlternatives], *, connection=None) -> int:
    """Send over one connection of the default mailer; returns how many were sent. Raises on failure."""
    if not messages:
        return 0
    connection = connection or mail.mailers.default
    return connection.send_messages(list(messages)) or 0


def mail_send(*, to: Sequence[str] = (), bcc: Sequence[str] = (), **build: Any) -> int:
    """Render (with the arguments of `mail_build`) and send one message; returns 1 when sent, 0 without
    recipients. Raises MAIL_ERRORS when the mail server fails."""
    to, bcc = mail_recipients(to), mail_recipients(bcc)
    if not to and not bcc:
        return 0
    return mail_send_many([mail_build(to=to, bcc=bcc, **build)])
