"""The public partner pages: /partners/ and /partners/<slug>/."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aanbod.models import Aanbod
from partners.models import Partner
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png(width=400, height=200) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#1f6f78").save(out, format="PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def test_list_shows_active_partners_with_their_published_aanbod_count(client, partner_a, partner_b):
    factories.AanbodFactory(partner=partner_a)
    factories.AanbodFactory(partner=partner_a, status=Aanbod.Status.CONCEPT)
    factories.PartnerFactory(naam="Gestopt", actief=False)
    response = client.get("/en/partners/")
    assert [(p.naam, p.aantal_aanbod) for p in response.context["page"].object_list] == [
        ("Opvoedingswinkel A", 1),
        ("Spelotheek B", 0),
    ]
    assert "1 offer" in response.content.decode()


def test_detail_shows_contact_and_only_published_aanbod(client, partner_a):
    factories.AanbodFactory(partner=partner_a, titel="Opvoedingsspreekuur")
    factories.AanbodFactory(partner=partner_a, titel="Nog een concept", status=Aanbod.Status.CONCEPT)
    partner_a.telefoon = "09 111 22 33"
    partner_a.save()
    html = client.get(f"/en/partners/{partner_a.slug}/").content.decode()
    assert "Opvoedingsspreekuur" in html
    assert "Nog een concept" not in html
    assert 'href="tel:091112233"' in html


def test_detail_of_inactive_or_unknown_partner_is_404(client, partner_a):
    Partner.objects.filter(pk=partner_a.pk).update(actief=False)
    assert client.get(f"/partners/{partner_a.slug}/").status_code == 404
    assert client.get("/partners/bestaat-niet/").status_code == 404


def test_outsider_sees_the_same_public_page(client, charlie, partner_a):
    """Logged in as another partner changes nothing on public pages."""
    factories.AanbodFactory(partner=partner_a, titel="Opvoedingsspreekuur")
    client.force_login(charlie)
    assert "Opvoedingsspreekuur" in client.get(f"/partners/{partner_a.slug}/").content.decode()


def test_logo_is_a_thumbnail_with_size_srcset_and_lazy_loading(client, partner_a, media):
    partner_a.logo = png()
    partner_a.save()
    html = client.get("/partners/").content.decode()
    img = next(line for line in html.splitlines() if "thumbs/" in line)
    assert 'width="64" height="32"' in img
    assert 'loading="lazy"' in img
    assert "128w" in img
    thumbs = list((media / "thumbs").iterdir())
    assert len(thumbs) == 2
    with Image.open(thumbs[0]) as image:
        assert image.format == "WEBP"


def test_thumbnail_is_made_once(client, partner_a, media):
    partner_a.logo = png()
    partner_a.save()
    client.get("/partners/")
    made = {p.name: p.stat().st_mtime_ns for p in (media / "thumbs").iterdir()}
    client.get("/partners/")
    assert {p.name: p.stat().st_mtime_ns for p in (media / "thumbs").iterdir()} == made


def test_missing_or_broken_logo_falls_back_to_initials(client, partner_a, media):
    Partner.objects.filter(pk=partner_a.pk).update(logo="partners/verdwenen.png")
    partner_b = factories.PartnerFactory(naam="Kapot")
    (media / "partners").mkdir()
    (media / "partners" / "kapot.png").write_bytes(b"not an image")
    Partner.objects.filter(pk=partner_b.pk).update(logo="partners/kapot.png")
    response = client.get("/partners/")
    assert response.status_code == 200
    assert 'class="initials"' in response.content.decode()
    assert client.get(f"/partners/{partner_b.slug}/").status_code == 200


def test_list_paginates_friendly(client, db):
    assert client.get("/partners/", {"page": "999"}).status_code == 200
