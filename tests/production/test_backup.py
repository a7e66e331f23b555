"""backup/restore: database plus public and private files in one checked archive, proven by a round trip."""

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.images.models import Image
from wagtail.models import Page

from initiatives.models import Application, Attachment, Status
from socialmap.models import Facility
from tests.factories import UserFactory, make_content_page, make_home_page
from tests.initiatives.factories import make_application, make_scheme
from tests.socialmap.factories import FacilityFactory, make_social_map_page

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes():
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), (0, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def forget_content_type_ids():
    # flush renumbers content types; the test's rollback brings back the old ones: forget both.
    from django.contrib.contenttypes.models import ContentType

    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def file_roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The attachment field's storage is fixed when the model loads: wipe where it really writes.
    return settings.MEDIA_ROOT, Path(Attachment._meta.get_field("file").storage.location)


def make_site_content():
    home = make_home_page()
    make_content_page(home, title="Mantelzorg", slug="mantelzorg", introduction="Hulp voor mantelzorgers.")
    make_social_map_page(home)
    facility = FacilityFactory(name="Buurthuis De Kern", description="Koffie en ontmoeting.")
    applicant = UserFactory(username="anna@example.nl", email="anna@example.nl")
    app = make_application(scheme=make_scheme(), applicant=applicant, status=Status.SUBMITTED, title="Buurtmoestuin")
    attachment = Attachment.objects.create(
        application=app, file=ContentFile(PDF, name="begroting.pdf"), original_name="begroting.pdf",
        content_type="application/pdf", size=len(PDF),
    )
    image = Image.objects.create(title="Logo", file=ContentFile(png_bytes(), name="logo.png"))
    return {"facility": facility, "application": app, "attachment": attachment, "image": image}


def snapshot():
    """What must survive: pages, facilities, applications, users, and the bytes of every file."""
    return {
        "pages": sorted(Page.objects.values_list("pk", "title", "url_path", "live")),
        "facilities": sorted(Facility.objects.values_list("pk", "name", "description", "organisation__name")),
        "applications": sorted(
            Application.objects.values_list("public_id", "reference", "status", "title", "amount_requested", "iban")
        ),
        "budget_items": sorted(Application.objects.values_list("budget_items__description", "budget_items__amount")),
        "users": sorted(get_user_model().objects.values_list("username", "password", "is_active")),
        "user_groups": sorted(get_user_model().objects.values_list("username", "groups__name")),
        "attachments": sorted(
            (a.public_id, a.original_name, a.file.name, a.file.open("rb").read()) for a in Attachment.objects.all()
        ),
        "images": sorted((i.title, i.file.name, i.file.open("rb").read()) for i in Image.objects.all()),
    }


def wipe_everything(media_root, private_root):
    from django.contrib.contenttypes.models import ContentType

    from operations.backup import empty_database

    empty_database()
    ContentType.objects.clear_cache()
    shutil.rmtree(media_root, ignore_errors=True)
    shutil.rmtree(private_root, ignore_errors=True)


def test_backup_and_restore_round_trip(file_roots, tmp_path):
    objects = make_site_content()
    before = snapshot()
    archive = tmp_path / "backups" / "dichtbij.tar.gz"

    call_command("backup", str(archive), stdout=io.StringIO())

    with tarfile.open(archive, "r:gz") as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {"manifest.json", "database.json"} <= names
    assert f"private_media/{objects['attachment'].file.name}" in names
    assert f"media/{objects['image'].file.name}" in names
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"])

    wipe_everything(*file_roots)
    assert not Application.objects.exists() and not Facility.objects.exists()
    assert not Attachment._meta.get_field("file").storage.exists(objects["attachment"].file.name)

    call_command("restore", str(archive), stdout=io.StringIO())

    assert snapshot() == before
    # Derived search data left out of the archive is rebuilt.
    from search.models import FacilitySearchDocument

    assert FacilitySearchDocument.objects.filter(facility=objects["facility"].pk, name__icontains="kern").exists()


def test_restore_refuses_a_database_with_content_unless_forced(file_roots, tmp_path):
    make_site_content()
    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    Application.objects.update(title="Later gewijzigd")

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Application.objects.get().title == "Later gewijzigd"

    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert Application.objects.get().title == "Buurtmoestuin"


def test_restore_refuses_a_tampered_archive_and_changes_nothing(file_roots, tmp_path):
    objects = make_site_content()
    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("private_media/"):
                data = data.replace(b"%PDF", b"%XXX")
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    wipe_everything(*file_roots)

    with pytest.raises(CommandError, match="Checksum mismatch"):
        call_command("restore", str(tampered), stdout=io.StringIO())
    assert not Application.objects.exists()
    assert not default_storage.exists(objects["image"].file.name)
