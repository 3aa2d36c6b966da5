"""`/` must weigh under 100 KB on a first visit: the HTML plus every stylesheet, script and image it links."""

import gzip
import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from aanbod.models import Thema
from tests import factories

pytestmark = pytest.mark.django_db

BUDGET = 100 * 1024
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')


@pytest.fixture
def full_front_page(gemeente_a):
    """Every thema in use and a busy week, so the page is as heavy as it gets."""
    start = timezone.now() + timedelta(hours=3)
    for i, thema in enumerate(Thema.objects.all()):
        aanbod = factories.AanbodFactory(
            titel=f"Een aanbod met een lange naam over {thema.naam} {i}", themas=[thema]
        )
        factories.ActiviteitFactory(
            aanbod=aanbod, start=start + timedelta(hours=i), einde=start + timedelta(hours=i + 1)
        )


def asset_bytes(client, url: str) -> bytes:
    if url.startswith("/static/"):
        path = finders.find(url.removeprefix("/static/"))
        assert path, url
        with open(path, "rb") as fh:
            return fh.read()
    if url.startswith("data:"):
        return b""  # already counted in the HTML
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content


def test_front_page_weighs_under_100_kb(client, full_front_page):
    html = client.get("/").content
    urls = sorted(set(ASSET.findall(html.decode())))
    urls = [u for u in urls if not re.match(r"^(/en|/fr)?/$", u)]  # hreflang alternates are pages, not assets
    assets = {url: asset_bytes(client, url) for url in urls}
    assert {"/static/css/site.css", "/static/js/site.js", "/theme.css"} <= set(assets)
    raw = len(html) + sum(len(body) for body in assets.values())
    compressed = len(gzip.compress(html)) + sum(len(gzip.compress(body)) for body in assets.values())
    print(f"/ on a first visit: {raw / 1024:.1f} KB raw, {compressed / 1024:.1f} KB gzipped")
    assert raw < BUDGET
