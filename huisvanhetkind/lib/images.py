"""Uploaded images (a partner's logo, an aanbod's picture): checking and cleaning them, and thumbnails.

Cleaning (`clean_image`): anything that is not a real JPEG, PNG or WebP of reasonable size is refused
with a form error. An image that passes is decoded and encoded again, which drops EXIF and every other
metadata chunk (a phone photo can carry the GPS position of someone's home) and turns the picture
upright, and gets a fresh random file name.

Thumbnails (`thumbnail`): made once with Pillow and kept on disk under MEDIA_ROOT/thumbs/, named after
the source file, the box and the mode, so one is made on the first request that needs it and served as a
plain media file afterwards. A replaced picture has a new name, so it gets new thumbnails by itself.
Width and height are remembered in the cache so a page can set them without opening the file. A missing
or broken source never breaks a page: `thumbnail()` then returns None.
"""

import hashlib
import io
import logging
import os
import uuid
import warnings
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .files import write_atomic

logger = logging.getLogger(__name__)

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


def _encode(image: Image.Image, fmt: str, *, quality: int = 85) -> bytes:
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
        image.save(out, format="WEBP", quality=quality, method=4, **extra)
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


# --- Thumbnails ---------------------------------------------------------------------------------------

FIT = "fit"  # inside the box, aspect kept (logos)
CROP = "crop"  # exactly the box, centred crop (pictures on cards)
THUMBNAIL_QUALITY = 80


@dataclass(frozen=True)
class Thumbnail:
    url: str
    width: int
    height: int


def thumbnail_name(source_name: str, width: int, height: int, mode: str) -> str:
    digest = hashlib.sha256(source_name.encode()).hexdigest()[:20]
    return f"thumbs/{digest}-{width}x{height}-{mode}.webp"


def thumbnail(field, width: int, height: int | None = None, *, mode: str = FIT) -> Thumbnail | None:
    """The thumbnail of an ImageField's file in a `width` × `height` box (square when no height)."""
    if not field or not getattr(field, "name", None):
        return None
    height = height or width
    storage = field.storage
    name = thumbnail_name(field.name, width, height, mode)
    key = "thumb:v1:" + name
    known = cache.get(key)
    if known:
        return Thumbnail(storage.url(name), *known)
    try:
        if storage.exists(name):
            with storage.open(name) as fh, Image.open(fh) as image:
                size = image.size
        else:
            size = _make(field, storage, name, (width, height), mode)
    except Exception:  # a missing or broken upload must not break the page that shows it
        logger.warning("thumbnail failed for %s", field.name, exc_info=True)
        return None
    cache.set(key, size, 24 * 3600)
    return Thumbnail(storage.url(name), *size)


def _make(field, storage, name: str, box: tuple[int, int], mode: str) -> tuple[int, int]:
    with storage.open(field.name) as fh, Image.open(fh) as source:
        source.seek(0)
        image = ImageOps.exif_transpose(source)
        if mode == CROP:
            image = ImageOps.fit(image, box, method=Image.Resampling.LANCZOS)
        else:
            image = image.copy()
            image.thumbnail(box, Image.Resampling.LANCZOS)
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
        data = _encode(image, "WEBP", quality=THUMBNAIL_QUALITY)
        size = image.size
    write_atomic(storage, name, data)
    return size
