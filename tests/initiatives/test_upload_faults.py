"""Upload storage full or failing (issue 7): a clear Dutch error on the same form, everything typed kept,
no row pointing at a missing file and no file left that no row points at.

The storage really fails: the attachments' field is given a storage subclass for the test whose _save runs
out of disk space halfway through writing (ENOSPC), has no permission (EACCES) or is S3 answering with an
error. The views and services are the real ones.
"""

import errno
import os
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.db.models.signals import post_save
from django.urls import reverse

from initiatives import services
from initiatives.models import Attachment, PrivateStorage, Status
from operations.storage import AtomicFileSystemStorage, StorageUnavailable

from .factories import budget_holder, make_application, make_report_due_application, reviewer

from tests.storage_faults import STORAGE_ERROR_NL, DiskFillsUp

pytestmark = pytest.mark.django_db
S = Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"%" * 200_000
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40




class PrivateStorageIn(PrivateStorage):
    """The private storage, in the test's own folder."""

    def __init__(self, location):
        AtomicFileSystemStorage.__init__(self, location=str(location), base_url=None)


class FullDiskStorage(PrivateStorageIn):
    """The private storage on a disk that fills up while the file is being written."""

    def _save(self, name, content):
        return super()._save(name, DiskFillsUp(content))


class NoPermissionStorage(FullDiskStorage):
    def _save(self, name, content):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), self.path(name))


class S3ErrorStorage(FullDiskStorage):
    def _save(self, name, content):
        raise ClientError({"Error": {"Code": "SlowDown", "Message": "Please reduce your request rate."}}, "PutObject")


FAILING = {"disk full": FullDiskStorage, "no permission": NoPermissionStorage, "S3 error": S3ErrorStorage}


@pytest.fixture
def private_dir(tmp_path):
    return tmp_path / "private"


@pytest.fixture(params=list(FAILING))
def failing_storage(request, monkeypatch, private_dir):
    """Configure the attachments' file field with a failing storage for this test."""
    storage = FAILING[request.param](private_dir)
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture
def working_storage(monkeypatch, private_dir):
    storage = PrivateStorageIn(private_dir)
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storage)
    return storage


def files_in(folder):
    """Every file under the folder, temporary ones included."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def step_url(app, step):
    return reverse("initiatives:step", args=[app.public_id, step])


def test_attachment_on_a_failing_storage_gives_a_clear_error_and_keeps_the_description(client, failing_storage, private_dir):
    app = make_application()
    client.force_login(app.applicant)
    response = client.post(step_url(app, "attachments"), {
        "upload": "1", "description": "Offerte van de timmerman", "file": SimpleUploadedFile("offerte.pdf", PDF)})
    assert response.status_code == 200
    html = response.content.decode()
    assert STORAGE_ERROR_NL in html
    assert 'value="Offerte van de timmerman"' in html  # what was typed is still there
    assert not app.attachments.exists()
    assert not app.events.filter(action="attachment_added").exists()
    assert files_in(private_dir) == []  # not even a partly written file


def test_a_full_disk_leaves_no_partly_written_file(private_dir):
    storage = FullDiskStorage(private_dir)
    with pytest.raises(StorageUnavailable) as raised:
        storage.save("a/b/offerte.pdf", SimpleUploadedFile("offerte.pdf", PDF))
    assert raised.value.errno == errno.ENOSPC
    assert isinstance(raised.value, OSError)
    assert files_in(private_dir) == []


def test_the_atomic_storage_stores_whole_files_under_a_free_name(private_dir):
    storage = AtomicFileSystemStorage(location=str(private_dir))
    first = storage.save("a/offerte.pdf", SimpleUploadedFile("offerte.pdf", PDF))
    second = storage.save("a/offerte.pdf", SimpleUploadedFile("offerte.pdf", b"%PDF-other"))
    assert first == "a/offerte.pdf" and second != first and second.startswith("a/offerte")
    assert storage.open(first).read() == PDF
    assert storage.open(second).read() == b"%PDF-other"
    assert files_in(private_dir) == sorted([first, second])  # no temporary files left
    umask = os.umask(0)
    os.umask(umask)
    assert (private_dir / first).stat().st_mode & 0o777 == 0o666 & ~umask


def test_the_atomic_storage_overwrites_only_when_told_to(private_dir):
    storage = AtomicFileSystemStorage(location=str(private_dir), allow_overwrite=True)
    assert storage.save("a/plan.pdf", SimpleUploadedFile("plan.pdf", b"%PDF-1")) == "a/plan.pdf"
    assert storage.save("a/plan.pdf", SimpleUploadedFile("plan.pdf", b"%PDF-2")) == "a/plan.pdf"
    assert storage.open("a/plan.pdf").read() == b"%PDF-2"
    assert files_in(private_dir) == ["a/plan.pdf"]


def test_attachment_still_works_on_a_working_storage(client, working_storage, private_dir):
    app = make_application()
    client.force_login(app.applicant)
    response = client.post(step_url(app, "attachments"), {"upload": "1", "file": SimpleUploadedFile("offerte.pdf", PDF)})
    assert response.status_code == 302
    attachment = app.attachments.get()
    assert files_in(private_dir) == [attachment.file.name]
    assert app.events.filter(action="attachment_added").count() == 1


def test_a_database_failure_after_storing_removes_the_file_again(working_storage, private_dir):
    """The file is written before the row; when the row cannot be saved, the file must go as well."""
    app = make_application()

    def refuse(sender, instance, **kwargs):
        raise DatabaseError("the database went away")

    post_save.connect(refuse, sender=Attachment)
    try:
        with pytest.raises(DatabaseError):
            services.add_attachment(app, app.applicant, SimpleUploadedFile("offerte.pdf", PDF), "application/pdf")
    finally:
        post_save.disconnect(refuse, sender=Attachment)
    assert not app.attachments.exists()
    assert files_in(private_dir) == []


def test_removing_an_attachment_deletes_the_row_then_the_file(client, working_storage, private_dir,
                                                               django_capture_on_commit_callbacks):
    app = make_application()
    attachment = services.add_attachment(app, app.applicant, SimpleUploadedFile("offerte.pdf", PDF), "application/pdf")
    client.force_login(app.applicant)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(step_url(app, "attachments"), {"remove": str(attachment.public_id)})
        assert not app.attachments.exists()
        assert files_in(private_dir) == [attachment.file.name]  # the file waits for the commit
    for callback in callbacks:
        callback()
    assert files_in(private_dir) == []


def test_report_photo_on_a_failing_storage_keeps_the_report_unsent_and_typed(client, failing_storage, private_dir):
    app = make_report_due_application()
    client.force_login(app.applicant)
    item = app.budget_items.get()
    response = client.post(reverse("initiatives:report", args=[app.public_id]), {
        "results": "Twintig buren hebben samen gezaaid.", f"spent_{item.pk}": "480",
        "photo": SimpleUploadedFile("tuin.png", PNG)})
    assert response.status_code == 200
    html = response.content.decode()
    assert STORAGE_ERROR_NL in html
    assert "Twintig buren hebben samen gezaaid." in html and 'value="480"' in html
    app.refresh_from_db()
    assert app.status == S.REPORT_DUE and not app.report_results  # the report and the photo: both or neither
    assert not app.attachments.exists()
    assert files_in(private_dir) == []


def test_answer_with_a_file_on_a_failing_storage_is_not_half_sent(client, failing_storage, private_dir):
    app = make_application(status=S.IN_REVIEW)
    services.request_information(app, reviewer(), "Hoeveel buren doen mee?")
    client.force_login(app.applicant)
    response = client.post(reverse("initiatives:detail", args=[app.public_id]), {
        "answer": "Twintig, zie de lijst.", "file": SimpleUploadedFile("lijst.pdf", PDF)})
    assert response.status_code == 200
    html = response.content.decode()
    assert STORAGE_ERROR_NL in html
    assert "Twintig, zie de lijst." in html
    app.refresh_from_db()
    assert app.status == S.INFO_REQUESTED
    assert app.information_requests.get().answered_at is None
    assert not app.attachments.exists()
    assert files_in(private_dir) == []


def test_answer_with_a_disguised_file_is_refused_before_anything_is_saved(client):
    app = make_application(status=S.IN_REVIEW)
    services.request_information(app, reviewer(), "Hoeveel buren doen mee?")
    client.force_login(app.applicant)
    response = client.post(reverse("initiatives:detail", args=[app.public_id]), {
        "answer": "Zie bijlage.", "file": SimpleUploadedFile("lijst.pdf", b"<html><script>alert(1)</script></html>")})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit soort bestand mag niet" in html and "Zie bijlage." in html
    app.refresh_from_db()
    assert app.status == S.INFO_REQUESTED and not app.attachments.exists()


def test_answer_with_a_file_stores_both(client, working_storage, private_dir):
    app = make_application(status=S.IN_REVIEW)
    services.request_information(app, reviewer(), "Hoeveel buren doen mee?")
    client.force_login(app.applicant)
    response = client.post(reverse("initiatives:detail", args=[app.public_id]), {
        "answer": "Twintig, zie de lijst.", "file": SimpleUploadedFile("lijst.pdf", PDF)})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == S.IN_REVIEW
    attachment = app.attachments.get(kind=Attachment.INFORMATION)
    assert files_in(private_dir) == [attachment.file.name]
