"""Checking and cleaning uploaded images (a partner's logo, an aanbod's picture).

Anything that is not a real JPEG, PNG or WebP of reasonable size is refused with a form error. An image
that passes is decoded and encoded again, which drops EXIF and every other metadata chunk (a phone photo
can carry the GPS position of someone's home) and turns the picture upright.
"""

import io
import os
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Pillow's own guard against decompression bombs, lowered to our limit: opening anything larger than
# twice this raises DecompressionBombError, larger than this warns (which we turn into an error).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}

MESSAGES = {
    "too_big": _("This file is larger than 5 MB. Please choose a smaller picture."),
    "not_image": _("This file is not a picture we can use. Choose a JPEG, PNG or WebP file."),
    "too_many_pixels": _(
        "This picture has too many pixels (more than 40 megapixels). Please make it smaller."
    ),
}


def _open_checked(data: bytes) -> Image.Image:
    """Open and fully decode `data`, refusing anything that is not a sane JPEG, PNG or WebP."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise ValidationError(MESSAGES["not_image"], code="not_image")
            # The size in the header is known before any pixel is decoded: check it first, so a small
            # file claiming 100,000 × 100,000 pixels never gets to allocate memory.
            width, height = image.size
            if width < 1 or height < 1:
                raise ValidationError(MESSAGES["not_image"], code="not_image")
            if width * height > MAX_PIXELS:
                raise ValidationError(MESSAGES["too_many_pixels"], code="too_many_pixels")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(MESSAGES["too_many_pixels"], code="too_many_pixels") from None
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(MESSAGES["not_image"], code="not_image") from None
    return image


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    icc = image.info.get("icc_profile")
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=85, optimize=True, progressive=True, **extra)
    elif fmt == "PNG":
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, format="PNG", optimize=True, **extra)
    else:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        image.save(out, format="WEBP", quality=85, method=4, **extra)
    return out.getvalue()


def clean_image(upload) -> SimpleUploadedFile:
    """Check an uploaded image and return a metadata-free copy with a fresh, safe file name.

    Raises ValidationError (never anything else) when the file is too large, not a JPEG/PNG/WebP, or has
    more than 40 megapixels.
    """
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(MESSAGES["too_big"], code="too_big")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(MESSAGES["too_big"], code="too_big")
    image = _open_checked(data)
    fmt = image.format
    try:
        # Only the first frame of an animation; upright according to the EXIF orientation, which
        # is dropped together with the rest of the metadata.
        image.seek(0)
        upright = ImageOps.exif_transpose(image)
        upright.info.pop("exif", None)
        encoded = _encode(upright, fmt)
    except (OSError, ValueError) as exc:
        raise ValidationError(MESSAGES["not_image"], code="not_image") from exc
    extension, content_type = FORMATS[fmt]
    stem = os.path.splitext(os.path.basename(getattr(upload, "name", "") or ""))[0][:40] or "image"
    name = f"{_safe_stem(stem)}-{uuid.uuid4().hex[:8]}.{extension}"
    return SimpleUploadedFile(name, encoded, content_type=content_type)


def _safe_stem(stem: str) -> str:
    from django.utils.text import slugify

    return slugify(stem) or "image"
