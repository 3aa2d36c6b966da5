"""Stored files: writing one atomically, deleting one without failing the caller."""

import logging
import os
import tempfile

from django.core.files.base import ContentFile

logger = logging.getLogger(__name__)


def delete_file(storage, name: str) -> None:
    """Delete `name` from `storage`; a file that cannot be deleted is logged, never raised."""
    try:
        storage.delete(name)
    except OSError:
        logger.warning("could not delete %s", name)


def delete_replaced(storage, oud: str, nieuw: str) -> None:
    """After a file field was saved: delete the file it held before (`oud`) if it changed or was cleared."""
    if oud and oud != nieuw:
        delete_file(storage, oud)


def write_atomic(storage, name: str, data: bytes) -> None:
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
