"""Thumbnails of uploaded pictures (partner logos, aanbod images), made once with Pillow and kept on disk.

A thumbnail lives under MEDIA_ROOT/thumbs/, named after the source file, the box and the mode, so it is
made on the first request that needs it and served as a plain media file afterwards. Uploaded files get
a fresh random name (partners.images.clean_image), so a replaced picture gets new thumbnails by itself.
Width and height are remembered in the cache so a page can set them without opening the file.
A missing or broken source never breaks a page: `thumbnail()` then returns None.
"""

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

FIT = "fit"  # inside the box, aspect kept (logos)
CROP = "crop"  # exactly the box, centred crop (pictures on cards)
QUALITY = 80


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
        data = _encode(image)
        size = image.size
    _write(storage, name, data)
    return size


def _encode(image: Image.Image) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, format="WEBP", quality=QUALITY, method=4)
    return out.getvalue()


def _write(storage, name: str, data: bytes) -> None:
    """Write atomically on a filesystem (two requests may make the same thumbnail at once)."""
    try:
        path = storage.path(name)
    except NotImplementedError:
        if not storage.exists(name):
            storage.save(name, ContentFile(data))
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
