"""Fixtures of the spelotheek: partner A runs a spelotheek (alice and bob work there), partner B is the
outsider (charlie). Tests run all-scope; a request made by the test client enters its own scope."""

import pytest

from huisvanhetkind.lib.scoping import scopes_disabled
from tests import factories


@pytest.fixture(autouse=True)
def _all_scope():
    with scopes_disabled():
        yield


@pytest.fixture
def speelgoed(partner_a):
    return factories.SpeelgoedFactory(partner=partner_a, code="PUZ-001", naam="Houten boerderijpuzzel")


@pytest.fixture
def lid(partner_a):
    return factories.LidFactory(
        partner=partner_a, lidnummer="101", naam="Gezin Peeters", email="peeters@example.org"
    )


@pytest.fixture
def lid2(partner_a):
    return factories.LidFactory(
        partner=partner_a, lidnummer="102", naam="Gezin Janssens", email="janssens@example.org"
    )
