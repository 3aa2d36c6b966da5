"""MailMerge: messages filled in from texts rendered once, whose MIME form is cut from a cached skeleton,
and mail_send_batch, which knows how far a batch got when the mail server fails half way."""

import copy
import email.policy
import random
import re
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from huisvanhetkind.lib.mail import (
    MailBatchError,
    MailMerge,
    MailTexts,
    MergedMessage,
    SerializedMessage,
    mail_message,
    mail_send_batch,
)

POLICIES = [email.policy.default, email.policy.SMTP, email.policy.SMTPUTF8]


def normalised(data: bytes) -> str:
    """The serialised message with what differs on every call (boundary, date, Message-ID) blanked."""
    text = data.decode("ascii", "surrogateescape")
    boundary = re.search(r'boundary="([^"]+)"', text).group(1)
    text = text.replace(boundary, "BOUNDARY")
    text = re.sub(r"(?m)^Date: .*$", "Date: X", text)
    return re.sub(r"(?m)^Message-ID: .*$", "Message-ID: X", text)


def texts_to_try() -> list[MailTexts]:
    rng = random.Random(15)
    words = [
        "slapen",
        "zonder",
        "tranen",
        "Éloïse",
        "Ça",
        "été",
        "=3D",
        "From",
        "x" * 90,
        "😀",
        "\t",
        " ",
        ".",
    ]

    def text(lines: int) -> str:
        out = []
        for _ in range(lines):
            line = " ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
            out.append(line + rng.choice(["", " ", "\t"]))
        return "\n".join(out) + rng.choice(["", "\n"])

    fixed = [
        MailTexts(
            "Herinnering: Slapen, maandag 1 december om 20:00", "Hallo Sara,\n\nTot dan!\n", "<p>Hallo</p>"
        ),
        MailTexts(
            "Rappel : Dormir sans larmes, lundi 1 décembre à 20:00",
            "Bonjour Éloïse,\n\n" + "Une ligne bien trop longue pour un courriel ordinaire. " * 4 + "\n" * 3,
            "<p style='" + "color:#1f6f78;" * 20 + "'>é</p>\n" * 15,
        ),
        MailTexts(
            "Reminder " + "a rather long subject " * 8, "From the start\r\nline two\rline three\n", "b"
        ),
        MailTexts("x", "ascii only, short\n", "<html>\n" + "<p>" + "é" * 90 + "</p>\n" * 30),
    ]
    return fixed + [
        MailTexts(f"Subject {n} é", text(rng.randint(1, 40)), text(rng.randint(1, 40))) for n in range(40)
    ]


@pytest.mark.parametrize("policy", POLICIES, ids=["default", "smtp", "smtputf8"])
def test_merged_mime_is_what_django_makes_of_the_same_message(policy):
    merge = MailMerge(["naam"])
    for texts in texts_to_try():
        for to in ("sara@example.org", "a.b+c_d@sub.example.be"):
            fast = merge.message(texts, to=[to], reply_to=["organisator@example.org"])
            plain = mail_message(texts, to=[to], reply_to=["organisator@example.org"])
            mime = fast.message(policy=policy)
            assert isinstance(mime, SerializedMessage)  # the fast path was taken
            assert normalised(mime.as_bytes()) == normalised(plain.message(policy=policy).as_bytes())


def test_merged_mime_reads_back_as_the_message():
    merge = MailMerge(["naam"])
    texts = MailTexts("Rappel : Dormir, lundi à 20:00", "Bonjour Éloïse,\n", "<p>Bonjour Éloïse</p>")
    message = merge.message(texts, to=["eloise@example.org"], reply_to=["org@example.org"])
    first, second = message.message(), message.message()
    assert first["Subject"] == texts.subject
    assert first["To"] == "eloise@example.org"
    assert first["Reply-To"] == "org@example.org"
    assert first.get_body(("plain",)).get_content() == texts.text
    assert first.get_body(("html",)).get_content() == texts.html + "\n"
    # Every message its own boundary, date and id, as Django's.
    assert first["Message-ID"] != second["Message-ID"]
    assert first.get_boundary() != second.get_boundary()
    # The locmem backend copies each message: the skeletons are shared, not copied.
    assert copy.deepcopy(message).skeletons is message.skeletons


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.attach("activiteit.ics", b"BEGIN:VCALENDAR", "text/calendar"),
        lambda m: setattr(m, "to", ["Sara Peeters <sara@example.org>"]),
        lambda m: setattr(m, "to", ["sara@exämple.org"]),
        lambda m: setattr(m, "to", ["a@example.org", "b@example.org"]),
        lambda m: setattr(m, "cc", ["c@example.org"]),
        lambda m: setattr(m, "extra_headers", {"X-Tag": "1"}),
    ],
    ids=["attachment", "display-name", "idna-domain", "two-recipients", "cc", "extra-header"],
)
def test_anything_else_takes_djangos_own_path(change):
    merge = MailMerge(["naam"])
    message = merge.message(MailTexts("S", "T\n", "<p>H</p>"), to=["sara@example.org"])
    change(message)
    mime = message.message()
    assert not isinstance(mime, SerializedMessage)
    assert mime["Subject"] == "S"


def test_fill_puts_each_value_in_place_and_escapes_it_in_the_html():
    merge = MailMerge(["naam", "token"])
    m = merge.markers
    texts = MailTexts(f"Hi {m['naam']}", f"Hello {m['naam']}, {m['token']}\n", f"<p>{m['naam']}</p>")
    filled = merge.fill(texts, {"naam": "Sara & Tom <3", "token": "abc"})
    assert filled == MailTexts(
        "Hi Sara & Tom <3", "Hello Sara & Tom <3, abc\n", "<p>Sara &amp; Tom &lt;3</p>"
    )


def test_fill_refuses_when_a_marker_survived():
    merge = MailMerge(["naam"])
    shouted = MailTexts("S", f"HELLO {merge.markers['naam'].upper()}\n", "<p></p>")
    assert merge.fill(shouted, {"naam": "Sara"}) is None


class FailingAt(BaseEmailBackend):
    """Sends the first `k` messages (to the outbox), then the mail server goes away."""

    k = 3

    def send_messages(self, messages):
        for message in messages:
            if len(mail.outbox) >= self.k:
                raise smtplib.SMTPServerDisconnected("connection lost")
            if message.to == ["refused@example.org"]:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
            message.message()
            mail.outbox.append(message)
        return len(messages)


def test_send_batch_tells_how_far_it_got_when_the_server_fails_half_way():
    messages = [mail_message(MailTexts("S", "T", "H"), to=[f"p{n}@example.org"]) for n in range(6)]
    messages[1].to = ["refused@example.org"]
    with pytest.raises(MailBatchError) as stopped:
        mail_send_batch(messages, connection=FailingAt())
    assert stopped.value.done == 4  # 0, 2 and 3 sent, 1 refused; 4 failed
    assert stopped.value.refused == [1]
    assert isinstance(stopped.value.__cause__, smtplib.SMTPServerDisconnected)
    assert [m.to[0] for m in mail.outbox] == ["p0@example.org", "p2@example.org", "p3@example.org"]


def test_send_batch_returns_the_refused():
    messages = [mail_message(MailTexts("S", "T", "H"), to=[f"p{n}@example.org"]) for n in range(2)]
    messages[0].to = ["refused@example.org"]
    backend = FailingAt()
    backend.k = 10
    assert mail_send_batch(messages, connection=backend) == [0]
    assert [m.to[0] for m in mail.outbox] == ["p1@example.org"]


def test_merged_message_is_a_django_message():
    message = MailMerge(["naam"]).message(
        MailTexts("S", "T", "<p>H</p>"), to=["a@example.org"], reply_to=["r@x.be"]
    )
    assert isinstance(message, MergedMessage)
    assert (message.subject, message.body, message.to, message.reply_to) == (
        "S",
        "T",
        ["a@example.org"],
        ["r@x.be"],
    )
    assert message.alternatives[0].content == "<p>H</p>"
