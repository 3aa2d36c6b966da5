"""Image uploads: real files made in the test. Only sane JPEG/PNG/WebP pass; the rest is a form error."""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from huisvanhetkind.lib.images import MAX_BYTES, clean_image
from tests.partners.portal_helpers import client_for

pytest_plugins = ["tests.partners.portal_helpers"]


def _png(size=(60, 40), mode="RGB", colour="teal") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, "PNG")
    return out.getvalue()


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def _bomb_small_file() -> bytes:
    """A real 9000 × 9000 1-bit PNG (81 megapixels) that compresses to a few kilobytes."""
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, "PNG", optimize=True)
    return out.getvalue()


def _bomb_header_only() -> bytes:
    """A PNG whose header claims 100,000 × 100,000 pixels, with one tiny data chunk."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + chunk(b"IEND", b"")
    )


def test_clean_image_accepts_a_valid_png():
    cleaned = clean_image(_upload("logo.png", _png()))
    image = Image.open(io.BytesIO(cleaned.read()))
    assert (image.format, image.size) == ("PNG", (60, 40))
    assert cleaned.name.startswith("logo-") and cleaned.name.endswith(".png")


def test_clean_image_refuses_text_renamed_png():
    with pytest.raises(ValidationError) as exc:
        clean_image(_upload("notes.png", b"Dit is geen afbeelding.\n" * 20))
    assert exc.value.code == "not_image"


@pytest.mark.parametrize("maker", [_bomb_small_file, _bomb_header_only])
def test_clean_image_refuses_decompression_bomb(maker):
    data = maker()
    assert len(data) < 200_000
    with pytest.raises(ValidationError) as exc:
        clean_image(_upload("bomb.png", data))
    assert exc.value.code == "too_many_pixels"


def test_clean_image_refuses_more_than_40_megapixels_below_pillows_own_limit():
    out = io.BytesIO()
    Image.new("1", (7000, 6000)).save(out, "PNG")  # 42 megapixels: warns in Pillow, refused by us
    with pytest.raises(ValidationError) as exc:
        clean_image(_upload("big.png", out.getvalue()))
    assert exc.value.code == "too_many_pixels"


def test_clean_image_refuses_a_6_mb_image():
    # Noise does not compress: a real PNG of about 6 MB.
    side = 1450
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=0)
    data = out.getvalue()
    assert len(data) > 6 * 1024 * 1024 > MAX_BYTES
    with pytest.raises(ValidationError) as exc:
        clean_image(_upload("huge.png", data))
    assert exc.value.code == "too_big"


def test_clean_image_refuses_gif():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(ValidationError):
        clean_image(_upload("anim.gif", out.getvalue()))


def test_clean_image_strips_exif_and_turns_upright():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 6  # rotated 90°
    exif[0x8825] = {1: "N", 2: (51.0, 3.0, 0.0)}  # a GPS position
    out = io.BytesIO()
    Image.new("RGB", (80, 40), "red").save(out, "JPEG", exif=exif)
    assert b"PhoneMaker" in out.getvalue()
    cleaned = clean_image(SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")).read()
    assert b"PhoneMaker" not in cleaned
    image = Image.open(io.BytesIO(cleaned))
    assert dict(image.getexif()) == {}
    assert image.size == (40, 80)


def test_clean_image_keeps_webp():
    out = io.BytesIO()
    Image.new("RGBA", (30, 30), (0, 0, 0, 0)).save(out, "WEBP")
    cleaned = clean_image(SimpleUploadedFile("x.webp", out.getvalue()))
    assert Image.open(io.BytesIO(cleaned.read())).format == "WEBP"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_profile_logo_upload_saves_a_clean_file(alice, partner_a, media):
    url = reverse("portal_partner_profiel", kwargs={"slug": partner_a.slug})
    response = client_for(alice).post(
        url, {"korte_beschrijving": "Wij helpen ouders.", "logo": _upload("logo.png", _png())}
    )
    assert response.status_code == 302
    partner_a.refresh_from_db()
    assert partner_a.korte_beschrijving == "Wij helpen ouders."
    assert partner_a.logo.name.startswith("partners/logo-")
    assert (media / partner_a.logo.name).exists()
    assert client_for(alice).get(url).status_code == 200  # the page shows it (thumbnail made once)


@pytest.mark.parametrize("data", [b"not an image at all", _bomb_header_only()])
def test_profile_bad_logo_is_a_form_error_not_a_500(alice, partner_a, media, data):
    url = reverse("portal_partner_profiel", kwargs={"slug": partner_a.slug})
    response = client_for(alice).post(url, {"logo": _upload("logo.png", data)})
    assert response.status_code == 400
    assert response.context["form"].errors["logo"]
    partner_a.refresh_from_db()
    assert not partner_a.logo
