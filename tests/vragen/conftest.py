"""Fixtures of the vragen tests: a parent's question form, a started conversation, a client per role."""

import pytest
from allauth.mfa.models import Authenticator

from aanbod.models import Thema
from vragen.services import gesprek_start

PARENT_IP = "203.0.113.77"
PARENT_UA = "HvhkTestBrowser/9.9 (unique-ua-marker-7f3a)"


@pytest.fixture
def slapen(db):
    return Thema.objects.get(slug="slapen")


@pytest.fixture
def eten(db):
    return Thema.objects.get(slug="eten-en-drinken")


@pytest.fixture
def vraag_data(slapen):
    return {
        "gemeente": "9000",
        "thema": str(slapen.pk),
        "leeftijdsband": "1-3",
        "tekst": "Mijn peuter wordt elke nacht drie keer wakker. Wat kan ik doen?",
        "website": "",
        "eenmalig": "token-1",
    }


@pytest.fixture
def parent_client(client):
    """An anonymous parent with a recognisable address and browser."""
    client.defaults["REMOTE_ADDR"] = PARENT_IP
    client.defaults["HTTP_USER_AGENT"] = PARENT_UA
    return client


@pytest.fixture
def gesprek_en_code(gemeente_a, slapen):
    return gesprek_start(
        gemeente=gemeente_a, themas=[slapen], leeftijdsband="1-3", tekst="Hoe leer ik slapen?"
    )


@pytest.fixture
def dora_b(gemeente_b):
    """Municipality staff of the other gemeente (Antwerpen)."""
    from tests import factories

    user = factories.UserFactory(email="dora@antwerpen.example")
    factories.GemeentetoegangFactory(user=user, gemeente=gemeente_b)
    return user


def with_mfa(user):
    """The admin asks for a second factor (partners.middleware); tests give users one."""
    Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {}})
    return user


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(with_mfa(coordinator))
    return client
