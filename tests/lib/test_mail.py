"""The one mail entry point (huisvanhetkind.lib.mail)."""

import pytest
from django.core import mail

from huisvanhetkind.lib.mail import mail_recipients, mail_send
from partners.models import Netwerk


def test_recipients_drop_blanks_and_doubles_keeping_the_first_spelling():
    assert mail_recipients(["A@example.org", "", None, "a@example.org ", "b@example.org"]) == [
        "A@example.org",
        "b@example.org",
    ]


@pytest.mark.django_db
def test_mail_send_without_recipients_sends_nothing():
    assert mail_send(template="vragen/emails/gesprek", to=["", None], context={"reden": "nieuw"}) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_every_mail_gets_the_netwerk_from_the_configured_context_processor():
    netwerk = Netwerk.load()
    sent = mail_send(
        template="vragen/emails/gesprek",
        bcc=["staff@example.org"],
        context={"reden": "nieuw", "url": "https://example.org/x", "gesprek": None},
    )
    assert sent == 1
    [message] = mail.outbox
    assert message.to == []
    assert message.bcc == ["staff@example.org"]
    assert netwerk.naam in message.body + message.subject
    assert "\n" not in message.subject
