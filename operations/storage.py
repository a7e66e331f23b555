"""Upload storage that fails cleanly: disk full, no permission, object storage down.

Three things make a failed upload leave nothing half-saved:

1. ``save()`` of our storages turns every failure of the backend (OSError such as ENOSPC, EDQUOT, EACCES,
   EROFS; botocore errors from S3) into ``StorageUnavailable``, so callers and the error middleware can tell
   'the storage failed' apart from any other error.
2. ``AtomicFileSystemStorage`` writes into a temporary file next to the target and links it into place only
   when every byte is written. Django's FileSystemStorage writes straight into the final name, so a disk
   that fills up halfway leaves a truncated file behind that nothing points at.
3. ``cleanup_on_error()`` removes files that were stored inside a block when the block fails afterwards
   (the database rolled back the row that would have pointed at them).

The message people read is ``STORAGE_ERROR_MESSAGE``; the view shows it on the same form, with what was
typed still filled in.
"""

import errno
import logging
import os
import uuid
from contextlib import contextmanager

from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_makedirs
from django.utils.translation import gettext_lazy as _

from .errors import caused_by

logger = logging.getLogger(__name__)

try:  # S3-compatible storage (django-storages + boto3) is optional outside production.
    from botocore.exceptions import BotoCoreError, ClientError

    _BACKEND_ERRORS = (OSError, BotoCoreError, ClientError)
except ImportError:  # pragma: no cover - boto3 is in requirements.txt
    _BACKEND_ERRORS = (OSError,)

STORAGE_ERROR_MESSAGE = _(
    "Your file could not be stored: our file storage is full or not working at the moment. Nothing of this "
    "file has been saved, and what you typed has been kept. Choose the file again and try once more, or try "
    "again later."
)


class StorageUnavailable(OSError):
    """The storage backend could not store a file. An OSError, so code that already catches those still does."""

    def __init__(self, name, cause):
        code = getattr(cause, "errno", None) or errno.EIO
        super().__init__(code, f"could not store {name!r}: {cause.__class__.__name__}: {cause}")
        self.name = name
        self.cause = cause


# Everything a storage may raise when it cannot store a file (our own wrapper included).
STORAGE_ERRORS = (StorageUnavailable, *_BACKEND_ERRORS)


class FailCleanlyMixin:
    """save() raises StorageUnavailable for any backend failure, whatever the backend or subclass raises."""

    def save(self, name, content, max_length=None):
        try:
            return super().save(name, content, max_length=max_length)
        except StorageUnavailable:
            raise
        except _BACKEND_ERRORS as exc:
            logger.error("storage %s could not store %s: %r", self.__class__.__name__, name, exc)
            raise StorageUnavailable(name, exc) from exc


class AtomicFileSystemStorage(FailCleanlyMixin, FileSystemStorage):
    """FileSystemStorage that never leaves a partly written file behind.

    The bytes go into a temporary file in the target folder (same file system, so no copy on the way) and are
    linked to the final name only when complete; on any failure the temporary file is removed. os.link()
    fails when the name is taken, which keeps FileSystemStorage's promise never to overwrite a file.
    """

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)
        # A fresh name of our own (O_EXCL), created with 0666 minus the umask like FileSystemStorage's files.
        temp_path = os.path.join(directory, f".partial-{uuid.uuid4().hex}")
        fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in content.chunks():
                    handle.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                handle.flush()
                # A full disk may only show when the data is written out; find out before the file counts.
                os.fsync(handle.fileno())
            if getattr(self, "_allow_overwrite", False):  # FileSystemStorage(allow_overwrite=True)
                os.replace(temp_path, full_path)
            else:
                while True:
                    try:
                        os.link(temp_path, full_path)
                        break
                    except FileExistsError:  # another upload took the name a moment ago
                        name = self.get_available_name(name)
                        full_path = self.path(name)
        finally:
            try:
                os.unlink(temp_path)
            except FileNotFoundError:
                pass
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        self._ensure_location_group_id(full_path)
        return os.path.relpath(full_path, self.location).replace("\\", "/")


try:
    from storages.backends.s3 import S3Storage as _S3Storage

    class S3Storage(FailCleanlyMixin, _S3Storage):
        """django-storages' S3 backend; an object appears only after a complete upload, so only the error needs wrapping."""

except ImportError:  # pragma: no cover
    pass


def is_storage_failure(exc):
    return caused_by(exc, StorageUnavailable)


class StoredFiles:
    """The files stored inside a cleanup_on_error() block."""

    def __init__(self):
        self.files = []

    def track(self, field_file):
        """Remember a FieldFile that will be written by the model's save() inside the block."""
        self.files.append(field_file)
        return field_file

    def remove(self):
        for field_file in self.files:
            # _committed: the storage took the file (its final name is in .name); otherwise nothing was written.
            if getattr(field_file, "_committed", False) and field_file.name:
                delete_quietly(field_file.storage, field_file.name)


@contextmanager
def cleanup_on_error():
    """Remove the tracked files when the block fails, so no file remains that no row points at.

    Use it around the outermost transaction.atomic() of the change: when the block raises, the rows are
    rolled back and the files go too.
    """
    stored = StoredFiles()
    try:
        yield stored
    except BaseException:
        stored.remove()
        raise


def delete_quietly(storage, name):
    """Delete a file; a storage that fails now is logged (an orphan file is better than a failed request)."""
    try:
        storage.delete(name)
    except STORAGE_ERRORS as exc:
        logger.error("storage %s could not delete %s: %r", storage.__class__.__name__, name, exc)
