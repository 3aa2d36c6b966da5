"""Series (Reeks) in the HSDS API: every meeting a schedule marked "deel n van m" and linked to the series;
with HSDS 3.1, one capacity per series from the series' places left. Every answer validates against the
official files (see test_hsds.get)."""

import datetime

import pytest
from django.utils import timezone

from aanbod.api.taxonomie import stable_id
from aanbod.models import Activiteit
from aanbod.services.inschrijvingen import reeks_cancel
from tests import factories

from .hsds_official import OFFICIAL_31
from .test_hsds import body, get

pytestmark = pytest.mark.django_db


@pytest.fixture
def reeks(catalogue):
    aanbod = catalogue["derde"]
    reeks = factories.ReeksFactory(
        aanbod=aanbod, titel="Babymassage in vier lessen", capaciteit=8, bijeenkomsten=4
    )
    first = reeks.bijeenkomsten[0]
    # The first meeting is over: it is no schedule any more, but still counts in "deel n van m".
    Activiteit.objects.filter(pk=first.pk).update(
        start=timezone.now() - datetime.timedelta(days=2),
        einde=timezone.now() - datetime.timedelta(days=2, hours=-1),
    )
    factories.InschrijvingFactory(activiteit=None, reeks=reeks, aantal_personen=2)
    factories.InschrijvingFactory(activiteit=None, reeks=reeks, aantal_personen=1, status="wachtlijst")
    return reeks


def test_each_coming_meeting_is_a_schedule_marked_as_part_of_the_series(client, reeks):
    data = body(get(client, f"/services/{reeks.aanbod.uuid}"))
    schedules = {s["id"]: s for s in data["schedules"]}
    meetings = reeks.bijeenkomsten
    assert str(meetings[0].uuid) not in schedules
    for number, meeting in enumerate(meetings[1:], start=2):
        schedule = schedules[str(meeting.uuid)]
        assert schedule["description"].startswith(f"Babymassage in vier lessen (part {number} of 4): ")
        assert schedule["schedule_link"].endswith(f"/aanbod/{reeks.aanbod.slug}/#reeks-{reeks.pk}")
        assert "series" in schedule["notes"]
        assert schedule["count"] == 1
    # The places are the series': no meeting has a capacity of its own.
    assert "capacities" not in data


def test_version_31_gives_one_capacity_per_series_from_its_places_left(client, reeks, settings):
    settings.HSDS_VERSION = "3.1"
    data = body(get(client, f"/services/{reeks.aanbod.uuid}"))
    OFFICIAL_31.validate_object(data, "service.json")
    [capacity] = data["capacities"]
    assert capacity["id"] == str(stable_id("service_capacity", reeks.uuid))
    assert (capacity["available"], capacity["maximum"]) == (6, 8)
    assert "Babymassage in vier lessen" in capacity["description"]
    assert "4 meetings" in capacity["description"]
    full = body(get(client, "/services?full=true&per_page=100"))
    [same] = [s for s in full["contents"] if s["id"] == str(reeks.aanbod.uuid)]
    assert same["capacities"] == data["capacities"]


def test_a_cancelled_series_has_no_capacity_and_no_schedules(client, reeks, settings):
    settings.HSDS_VERSION = "3.1"
    reeks_cancel(reeks=reeks)
    data = body(get(client, f"/services/{reeks.aanbod.uuid}?fresh=1"))
    assert data["capacities"] == []
    assert not {str(m.uuid) for m in reeks.bijeenkomsten} & {s["id"] for s in data["schedules"]}


def test_series_do_not_add_queries_per_service(client, catalogue, settings, django_assert_max_num_queries):
    settings.HSDS_VERSION = "3.1"
    for number in range(6):
        aanbod = factories.AanbodFactory(partner=catalogue["slaap"].partner, titel=f"Cursus {number}")
        factories.ReeksFactory(aanbod=aanbod, bijeenkomsten=3)
    with django_assert_max_num_queries(20):
        data = body(get(client, "/services?full=true&per_page=100"))
    assert sum(len(s.get("capacities", [])) for s in data["contents"]) >= 6
