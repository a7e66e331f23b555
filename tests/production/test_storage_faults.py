"""Upload storage full or failing for the images and documents editors upload in the Wagtail admin (issue 7).

The default storage is configured (STORAGES) with a subclass of the real one that runs out of disk space
while writing. Wagtail's own views then fail; the answer must be a clear Dutch error, with no image or
document row and no file left behind.
"""

import errno
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from operations.storage import AtomicFileSystemStorage

from tests.storage_faults import STORAGE_ERROR_NL, DiskFillsUp

pytestmark = pytest.mark.django_db




class FullDiskMediaStorage(AtomicFileSystemStorage):
    """The media storage on a disk that fills up while a file is being written."""

    def _save(self, name, content):
        return super()._save(name, DiskFillsUp(content))


@pytest.fixture
def media_dir(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": f"{__name__}.FullDiskMediaStorage"}}
    return tmp_path / "media"


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("beheer", "beheer@example.nl", "Geheim-wachtwoord-1"))
    return client


def png_bytes():
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 64), (200, 80, 40)).save(buffer, "PNG")
    return buffer.getvalue() + b"\x00" * 100_000  # big enough for a second chunk


def files_in(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# Wagtail's multiple upload saves without a transaction of its own; a failed save marks the test's wrapping
# transaction as broken (it would not in production, which runs in autocommit). So this test commits for real.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_image_upload_on_a_full_disk_shows_the_error_next_to_the_file(admin_client, media_dir):
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"), {"files[]": SimpleUploadedFile("buurthuis.png", png_bytes())},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    body = response.json()
    assert body["success"] is False and STORAGE_ERROR_NL in body["error_message"]
    assert not get_image_model().objects.exists()
    assert files_in(media_dir) == []


def test_document_upload_on_a_full_disk_answers_a_themed_page(admin_client, media_dir):
    response = admin_client.post(reverse("wagtaildocs:add"), {
        "title": "Jaarverslag", "file": SimpleUploadedFile("jaarverslag.pdf", b"%PDF-1.4\n" + b"%" * 200_000)})
    assert response.status_code == 503 and response["Retry-After"]
    assert STORAGE_ERROR_NL in response.content.decode()
    assert not get_document_model().objects.exists()
    assert files_in(media_dir) == []


def test_only_uploads_that_fail_in_the_storage_get_the_storage_message(rf):
    """A broken mail server (also an OSError) is no storage failure; a storage failing while a page is shown
    (an image rendition, say) is not the visitor's upload. Both get the normal error page."""
    from operations.middleware import StorageErrorMiddleware
    from operations.storage import StorageUnavailable

    middleware = StorageErrorMiddleware(lambda request: None)
    full = StorageUnavailable("images/foto.jpg", OSError(errno.ENOSPC, "full"))
    upload = rf.post("/admin/documents/add/", {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    assert middleware.process_exception(upload, ConnectionRefusedError(errno.ECONNREFUSED, "smtp")) is None
    assert middleware.process_exception(rf.get("/nieuws/"), full) is None
    assert middleware.process_exception(rf.post("/contact/", {"naam": "A"}), full) is None
    assert middleware.process_exception(upload, full).status_code == 503


@pytest.mark.parametrize("bucket,expected", [("", "AtomicFileSystemStorage"), ("dichtbij-media", "S3Storage")])
def test_production_media_storage_fails_cleanly_on_disk_and_on_s3(tmp_path, bucket, expected):
    """Production's default storage is ours on either backend, so editors' uploads fail with the clear error."""
    from tests.production.test_deploy_settings import manage

    code = ("from django.core.files.storage import storages; from operations.storage import FailCleanlyMixin; "
            "s = storages['default']; print(type(s).__module__, type(s).__name__, isinstance(s, FailCleanlyMixin))")
    result = manage(tmp_path, "shell", "-c", code, AWS_STORAGE_BUCKET_NAME=bucket)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["operations.storage", expected, "True"], result.stdout
