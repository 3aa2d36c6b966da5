"""The UiTdatabank settings: the environment picks publiq's URLs; a typo stops the start."""

import os
import subprocess
import sys

from tests.test_settings import ROOT, last_line, start


def test_a_mistyped_environment_refuses_to_start():
    result = start(DEBUG="1", UITDATABANK_ENVIRONMENT="prod")
    assert result.returncode != 0
    assert last_line(result) == (
        "django.core.exceptions.ImproperlyConfigured: "
        "UITDATABANK_ENVIRONMENT must be test or production, not 'prod'."
    )


def test_production_uses_publiqs_production_urls():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.UITDATABANK_ENTRY_URL, s.UITDATABANK_SEARCH_URL, s.UITDATABANK_TOKEN_URL)"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("UITDATABANK_")}
    environment |= {"DJANGO_SETTINGS_MODULE": "huisvanhetkind.settings", "DEBUG": "1"}
    environment["UITDATABANK_ENVIRONMENT"] = "production"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "https://io.uitdatabank.be",
        "https://search.uitdatabank.be",
        "https://account.uitid.be/realms/uitid/protocol/openid-connect/token",
    ]


def test_the_default_is_publiqs_test_environment(settings):
    assert settings.UITDATABANK_ENVIRONMENT == "test"
    assert settings.UITDATABANK_ENTRY_URL == "https://io-test.uitdatabank.be"
    assert settings.UITDATABANK_SEARCH_URL == "https://search-test.uitdatabank.be"
    assert settings.UITDATABANK_TOKEN_URL == (
        "https://account-test.uitid.be/realms/uitid/protocol/openid-connect/token"
    )
