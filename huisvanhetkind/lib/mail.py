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
to `mail_send_many`, or to `mail_send_batch` when a failure half way must tell which ones went out.
`mail_render` and `mail_message` are the two halves of `mail_build`, for callers that reuse rendered
texts; `MailMerge` makes many messages from texts rendered once (a mail merge), cheaply.
`mail_recipients` makes a clean list of addresses (no blanks, no doubles).

MAIL_ERRORS are what "the mail did not go out" looks like; MAIL_REFUSED is the server refusing an
address, which no retry will fix.
"""

import binascii
import email.policy
import random
import re
import secrets
import smtplib
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from email import quoprimime
from email.contentmanager import _encode_text  # what `set_content` encodes a text body with
from email.utils import format_datetime, make_msgid
from typing import Any, NamedTuple

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.timezone import get_current_timezone

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


class MailBatchError(Exception):
    """`mail_send_batch` stopped at a message: `done` messages before it went out (or were refused),
    the others did not. The mail server's error is the `__cause__`."""

    def __init__(self, done: int, refused: list[int]) -> None:
        super().__init__(f"mail batch stopped after {done} message(s)")
        self.done = done
        self.refused = refused


def mail_send_batch(messages: Sequence[EmailMultiAlternatives], *, connection) -> list[int]:
    """Send over `connection` (opened by the caller, so the batch shares one connection to the mail
    server), one message at a time, so a failure half way tells exactly which went out. Returns the
    indexes of the messages the server refused (MAIL_REFUSED: given up on, not retried). Any other
    failure (an interruption too) raises MailBatchError, saying how many were done, from that error:
    the caller records what went out and re-raises the `__cause__`.

    (`send_messages` with the whole list would also use one connection, but when it raises nobody knows
    which of the messages went out: retrying them all doubles some, dropping them all loses some.)
    """
    refused: list[int] = []
    for index, message in enumerate(messages):
        try:
            connection.send_messages([message])
        except MAIL_REFUSED:
            refused.append(index)
        except BaseException as error:
            raise MailBatchError(index, refused) from error
    return refused


# --- Mail merge ---------------------------------------------------------------------------------------

# An address the fast MIME path writes as is: a dot-atom in ASCII (anything else: Django's own path).
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\Z")
_NEWLINES = re.compile(r"\r\n|\r|\n")  # how the email generator splits a payload into lines
_SLOT = "\x00"


class MailMerge:
    """Many messages that differ only in a few personal fields, made cheaply (reminders in bulk).

    The caller renders its texts once per group (an activity and a language, say) with `markers` in
    place of the personal fields; `fill` puts one recipient's values in place of the markers
    (HTML-escaped in the HTML), and `message` wraps the result in a message whose MIME form
    (`message()`, what every mail backend sends) is cut from a skeleton serialised once per sender and
    reply-to: only the subject line (folded once per subject), the two bodies, the recipient, the date,
    the Message-ID and the boundary are filled in. Those are the bytes Django's own `message()` produces
    (tests/lib/test_mail_merge.py), without its per-header parsing and folding, which costs
    milliseconds a message.

    A marker is random per merge, so no recipient's data can be mistaken for one; `fill` returns None
    when a marker survived (a template that transformed a field): the caller then renders in full.
    """

    def __init__(self, fields: Iterable[str]) -> None:
        self.tag = "mrg" + secrets.token_hex(8)
        self.markers = {field: f"{self.tag}{field}" for field in fields}
        self.skeletons = _Skeletons()

    def fill(self, texts: MailTexts, values: dict[str, Any]) -> MailTexts | None:
        """`texts` with `values` (per field) in place of the markers, or None if a marker is left."""
        subject, text, html = texts
        for field, value in values.items():
            marker, value = self.markers[field], str(value)
            subject = subject.replace(marker, value)
            text = text.replace(marker, value)
            html = html.replace(marker, escape(value))
        if any(self.tag in part.lower() for part in (subject, text, html)):
            return None
        return MailTexts(" ".join(subject.split()), text, html)

    def message(
        self, texts: MailTexts, *, to: Sequence[str], reply_to: Sequence[str] = ()
    ) -> EmailMultiAlternatives:
        """`mail_message` of `texts`, with the fast MIME form."""
        message = MergedMessage(
            subject=texts.subject,
            body=texts.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=list(to),
            reply_to=list(reply_to),
        )
        message.attach_alternative(texts.html, "text/html")
        message.skeletons = self.skeletons
        return message


class _Skeletons(dict):
    """Serialised MIME skeletons per (sender, reply-to, policy), and folded subject lines per (subject,
    policy), shared by a merge's messages."""

    def __init__(self) -> None:
        super().__init__()
        self.subjects: dict = {}
        self.qp_lines: dict = {}

    def encode_text(self, string: str, policy) -> tuple[str, str]:
        """`email.contentmanager._encode_text(string, "utf-8", None, policy)`, which `set_content` uses:
        the same choice of transfer encoding and the same payload, but quoted-printable lines are
        encoded once per merge (the text of a merge is mostly the same lines; quoted-printable encodes
        each line on its own)."""
        lines = string.encode("utf-8").splitlines()
        if max((len(line) for line in lines), default=0) <= policy.max_line_length or len(lines) <= 10:
            return _encode_text(string, "utf-8", None, policy)
        encoded = self.qp_lines
        if len(encoded) > 50_000:
            encoded.clear()
        qp = []
        for line in lines:
            if line not in encoded:
                encoded[line] = quoprimime.body_encode(line.decode("latin-1"), policy.max_line_length)
            qp.append(encoded[line])
        # The heuristic of `_encode_text`: quoted-printable unless base64 is shorter for the first lines.
        sniff = policy.linesep.encode("ascii").join(lines[:10]) + policy.linesep.encode("ascii")
        if sum(len(line) + 1 for line in qp[:10]) > len(binascii.b2a_base64(sniff)):
            return _encode_text(string, "utf-8", None, policy)
        return "quoted-printable", "\n".join(qp) + "\n"

    def __deepcopy__(self, memo):  # the locmem backend copies each message: share, do not copy, these
        return self


class MergedMessage(EmailMultiAlternatives):
    """A plain text + HTML message of a `MailMerge` (to one plain address, nothing attached): its MIME
    form is filled into a cached skeleton; anything else takes Django's own path."""

    skeletons: _Skeletons | None = None

    def message(self, *, policy=email.policy.default):
        data = self._fast_bytes(policy)
        if data is None:
            return super().message(policy=policy)
        return SerializedMessage(data, policy)

    def _fast_bytes(self, policy) -> bytes | None:
        if (
            self.skeletons is None
            or not isinstance(policy, email.policy.EmailPolicy)
            or policy.cte_type != "8bit"
            or policy.mangle_from_
            or not policy.max_line_length
            or self.attachments
            or self.cc
            or self.extra_headers
            or (self.encoding or settings.DEFAULT_CHARSET).lower() not in {"utf-8", "utf8"}
            or len(self.to) != 1
            or not _PLAIN_ADDRESS.match(self.to[0])
            or len(self.to[0]) + len("To: ") > policy.max_line_length
            or not self.body
            or len(self.alternatives) != 1
            or self.alternatives[0].mimetype != "text/html"
            or not isinstance(self.alternatives[0].content, str)
        ):
            return None
        subject = str(self.subject)
        if len(subject.splitlines()) > 1:
            return None  # Django refuses it: let it say so
        key = (str(self.from_email), tuple(self.reply_to), policy)
        if key not in self.skeletons:
            self.skeletons[key] = _skeleton(self, policy)
        skeleton = self.skeletons[key]
        if skeleton is None:
            return None
        linesep = policy.linesep
        # The subject's header line, folded (and encoded) as the generator does it, once per subject.
        subject_key = (subject, policy)
        if subject_key not in self.skeletons.subjects:
            header = policy.header_factory("Subject", subject)
            line = policy.fold_binary("Subject", header).decode("ascii", "surrogateescape")
            self.skeletons.subjects[subject_key] = line
        slots = {"subject": self.skeletons.subjects[subject_key]}
        for slot, content in (("text", self.body), ("html", self.alternatives[0].content)):
            cte, payload = self.skeletons.encode_text(str(content), policy)
            slots[f"{slot}-cte"] = cte
            slots[slot] = _NEWLINES.sub(linesep, payload)
        boundary = _boundary()
        while boundary in slots["text"] or boundary in slots["html"]:
            boundary = _boundary()
        tz = get_current_timezone() if settings.EMAIL_USE_LOCALTIME else UTC
        slots.update(
            boundary=boundary,
            to=self.to[0],
            date=format_datetime(datetime.now(tz)),
            id=make_msgid(domain=DNS_NAME),
        )
        if len(slots["id"]) + len("Message-ID: ") > policy.max_line_length:
            return None
        chunks = skeleton[:]
        chunks[1::2] = [slots[name] for name in skeleton[1::2]]
        return "".join(chunks).encode("ascii", "surrogateescape")


def _boundary() -> str:
    # The email generator's own form: 15 "=", 19 digits, "==" (same length, so the header folds the same).
    return "=" * 15 + f"{random.randrange(sys.maxsize):019d}" + "=="  # noqa: S311 - not a secret


def _skeleton(message: EmailMultiAlternatives, policy) -> list[str] | None:
    """Django's MIME form of `message` with stand-ins in the slots, serialised once and cut at them:
    literal text at the even indexes, slot names at the odd ones. None when it cannot be cut."""
    tag = secrets.token_hex(8)
    stand_in = {
        "subject": f"subject{tag}",
        "to": f"to{tag}@merge.invalid",
        "text": f"text{tag}",
        "html": f"html{tag}",
    }
    proto = EmailMultiAlternatives(
        subject=stand_in["subject"],
        body=stand_in["text"],
        from_email=message.from_email,
        to=[stand_in["to"]],
        reply_to=message.reply_to,
    )
    proto.attach_alternative(stand_in["html"], "text/html")
    mime = proto.message(policy=policy)
    data = mime.as_bytes().decode("ascii", "surrogateescape")
    boundary = mime.get_boundary()
    nl = policy.linesep
    replacements = [
        (f"{nl}Date: {mime['Date']}{nl}", f"{nl}Date: {_SLOT}date{_SLOT}{nl}"),
        (f"{nl}Message-ID: {mime['Message-ID']}{nl}", f"{nl}Message-ID: {_SLOT}id{_SLOT}{nl}"),
        (f"{nl}To: {stand_in['to']}{nl}", f"{nl}To: {_SLOT}to{_SLOT}{nl}"),
        (f"{nl}Subject: {stand_in['subject']}{nl}", f"{nl}{_SLOT}subject{_SLOT}"),
    ]
    if _SLOT in data or not boundary:
        return None
    for old, new in replacements:
        if data.count(old) != 1:
            return None
        data = data.replace(old, new)
    cte = "Content-Transfer-Encoding: "
    for slot in ("text", "html"):
        # A body of one short ASCII word is "7bit": the slot takes the body's own encoding and text.
        body = f"{nl}{nl}{stand_in[slot]}{nl}"
        end = data.find(body)
        start = data.rfind(f"{nl}{cte}7bit{nl}", 0, end + len(nl)) + len(nl)
        if end < 0 or start < len(nl) or data.count(body) != 1 or boundary in data[start:end]:
            return None
        data = (
            data[:start]
            + f"{cte}{_SLOT}{slot}-cte{_SLOT}"
            + data[start + len(cte) + len("7bit") : end]
            + f"{nl}{nl}{_SLOT}{slot}{_SLOT}"
            + data[end + len(body) :]
        )
    data = data.replace(boundary, f"{_SLOT}boundary{_SLOT}")
    return data.split(_SLOT)


class SerializedMessage:
    """What `MergedMessage.message()` returns: the serialised bytes, which `as_bytes()` (what the mail
    backends send) gives as they are; anything else is asked of the parsed message (parsed on first
    use)."""

    def __init__(self, data: bytes, policy) -> None:
        self._data = data
        self.policy = policy
        self._parsed = None

    def as_bytes(self, unixfrom: bool = False, policy=None) -> bytes:
        if unixfrom or (policy is not None and policy is not self.policy):
            return self.parsed.as_bytes(unixfrom=unixfrom, policy=policy)
        return self._data

    __bytes__ = as_bytes

    @property
    def parsed(self) -> email.message.EmailMessage:
        if self._parsed is None:
            self._parsed = email.message_from_bytes(self._data, policy=self.policy)
        return self._parsed

    def __str__(self) -> str:
        return str(self.parsed)

    def __getattr__(self, name: str):
        return getattr(self.parsed, name)

    def __getitem__(self, name: str):
        return self.parsed[name]

    def __contains__(self, name: str) -> bool:
        return name in self.parsed

    def __iter__(self):
        return iter(self.parsed)

    def __len__(self) -> int:
        return len(self.parsed)
