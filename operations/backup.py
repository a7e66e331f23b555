"""Backup and restore of the database plus all uploaded files, as one .tar.gz with a manifest and checksums.

Why Django's dumpdata/loaddata and not pg_dump: Dichtbij runs on SQLite and on PostgreSQL, and one format
works for both (a backup of a PostgreSQL site restores into SQLite on a laptop and back), it needs no
client binaries whose major version must match the server's, and the same code path is what the tests
prove on both databases. Foreign keys are written as natural keys (--natural-foreign) so content types and
permissions, which every database numbers differently, are looked up by name on restore. For a very large
database (many gigabytes) a platform snapshot or pg_dump of the managed PostgreSQL is faster; this command
stays the portable, verified way that also carries the files.

Archive layout:
    manifest.json           format, time, versions, database engine, applied migrations, files + sha256
    database.json           dumpdata output (derived search indexes, sessions, login attempts left out)
    media/...               public uploads (default storage: local disk or S3-compatible)
    private_media/...       files with personal data (PRIVATE_MEDIA_ROOT: application attachments)

Restore checks every checksum before it changes anything, refuses a database with content unless told
(--force), empties the database (flush), loads the data, writes the files back through the storages and
rebuilds the search indexes.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import connection, transaction

FORMAT = "dichtbij-backup/1"
DATABASE_FILE = "database.json"
MANIFEST_FILE = "manifest.json"

# Derived data (rebuilt after a restore) and short-lived data: not worth keeping, or not loadable.
EXCLUDED = {
    "contenttypes",  # recreated by flush/migrate; referenced by natural key
    "auth.permission",  # idem
    "sessions",  # logged-in sessions end with a restore
    "axes",  # login attempts and lockouts
    "wagtailsearch.indexentry",  # Wagtail's database search index: rebuilt by update_index
    "wagtailsearch.sqliteftsindexentry",
    "search.facilitysearchdocument",  # facility search index: rebuilt by reindex_all
    "wagtailadmin.editingsession",
}


def _natural_models():
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    return (ContentType, Permission)


class BackupSerializer(JSONSerializer):
    """Django's JSON serializer, with natural keys for content types and permissions only."""

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = field.remote_field.model in _natural_models()
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = field.remote_field.model in _natural_models()
        super().handle_m2m_field(obj, field)


def backed_up_models():
    from django.apps import apps

    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.app_label in EXCLUDED or meta.label_lower in EXCLUDED:
            continue
        yield model


def dump_database(path):
    """Every row of every backed-up model as Django fixture JSON (loadable by loaddata)."""

    def objects():
        for model in backed_up_models():
            yield from model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000)

    with open(path, "w", encoding="utf-8") as stream:
        BackupSerializer().serialize(objects(), stream=stream)


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, in plain words."""


def _sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def private_storage():
    """The storage the attachments are really in (the field's, which may differ from a fresh PrivateStorage)."""
    from initiatives.models import Attachment

    return Attachment._meta.get_field("file").storage


def storages():
    """Archive folder -> storage holding the files. Public media may be on S3; the API is the same."""
    return {"media": default_storage, "private_media": private_storage()}


def walk_storage(storage, prefix=""):
    """Every file name in a storage (recursively), through the Storage API so S3 works as well as disk."""
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{prefix}{name}"
    for directory in sorted(directories):
        yield from walk_storage(storage, f"{prefix}{directory}/")


def applied_migrations():
    from django.db.migrations.recorder import MigrationRecorder

    applied = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def database_has_content():
    """True when the database holds anything beyond what `migrate` creates on its own."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    # migrate creates Wagtail's root page and its welcome page: nothing else.
    return get_user_model().objects.exists() or Page.objects.count() > 2


def create_backup(path, stdout=None):
    """Write a backup of the database and all uploaded files to `path` (.tar.gz). Returns the manifest."""
    import django
    import wagtail

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = []
    with tempfile.TemporaryDirectory(prefix="dichtbij-backup-") as tmp:
        dump = Path(tmp) / DATABASE_FILE
        # One consistent snapshot: on PostgreSQL a repeatable-read transaction would be stricter, but the
        # dump runs in a single transaction, which keeps related rows together for an ordinary site.
        with transaction.atomic():
            dump_database(dump)
        entries.append({"path": DATABASE_FILE, "size": dump.stat().st_size, "sha256": _sha256_file(dump)})

        tmp_path = path.with_name(path.name + ".partial")
        with tarfile.open(tmp_path, "w:gz") as archive:
            archive.add(dump, arcname=DATABASE_FILE)
            for folder, storage in storages().items():
                for name in walk_storage(storage):
                    digest = hashlib.sha256()
                    with storage.open(name, "rb") as handle:
                        data = handle.read()
                    digest.update(data)
                    arcname = f"{folder}/{name}"
                    info = tarfile.TarInfo(arcname)
                    info.size = len(data)
                    info.mtime = int(datetime.datetime.now().timestamp())
                    archive.addfile(info, io.BytesIO(data))
                    entries.append({"path": arcname, "size": len(data), "sha256": digest.hexdigest()})
            manifest = {
                "format": FORMAT,
                "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "django": django.get_version(),
                "wagtail": wagtail.__version__,
                "database_engine": connection.vendor,
                "migrations": applied_migrations(),
                "files": entries,
            }
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST_FILE)
            info.size = len(data)
            info.mtime = int(datetime.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
        os.replace(tmp_path, path)  # never leave a half-written backup under the real name
    if stdout:
        stdout.write(f"Backup written to {path}: {len(entries) - 1} files and the database.")
    return manifest


def _safe_member_name(name):
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts:
        raise BackupError(f"Unsafe path in the archive: {name}")
    return str(pure)


def read_and_verify(path, into):
    """Unpack the archive into the folder `into` and check every file against the manifest."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive.getmembers():
                name = _safe_member_name(member.name)
                if not member.isfile():
                    raise BackupError(f"Unexpected entry in the archive: {name}")
                target = Path(into) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"The backup file cannot be read: {exc}") from exc
    manifest_path = Path(into) / MANIFEST_FILE
    if not manifest_path.is_file():
        raise BackupError("The backup has no manifest.")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format: {manifest.get('format')!r}.")
    listed = set()
    for entry in manifest["files"]:
        name = _safe_member_name(entry["path"])
        listed.add(name)
        file_path = Path(into) / name
        if not file_path.is_file():
            raise BackupError(f"Missing from the backup: {name}")
        if file_path.stat().st_size != entry["size"] or _sha256_file(file_path) != entry["sha256"]:
            raise BackupError(f"Checksum mismatch: {name}")
    unlisted = {
        str(p.relative_to(into)) for p in Path(into).rglob("*") if p.is_file()
    } - listed - {MANIFEST_FILE}
    if unlisted:
        raise BackupError(f"Files in the backup that the manifest does not list: {sorted(unlisted)[:5]}")
    return manifest


def check_migrations(manifest):
    """The database must have every migration the backup was made with (run `migrate` first)."""
    current = applied_migrations()
    missing = [
        f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names
        if name not in current.get(app, [])
    ]
    if missing:
        raise BackupError(
            "This database lacks migrations the backup needs (run `manage.py migrate` first): "
            + ", ".join(missing[:5])
        )


def empty_database():
    """flush, inside the caller's transaction. PostgreSQL refuses TRUNCATE while deferred foreign-key checks
    are pending (rows written earlier in the same transaction), so those checks run first."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def restore_backup(path, force=False, stdout=None):
    """Restore database and files from a backup made by create_backup. Returns the manifest."""
    from search.indexing import paused, reindex_all

    with tempfile.TemporaryDirectory(prefix="dichtbij-restore-") as tmp:
        manifest = read_and_verify(path, tmp)
        check_migrations(manifest)
        if database_has_content() and not force:
            raise BackupError("The database is not empty. Use --force to replace everything in it.")

        from django.contrib.contenttypes.models import ContentType

        try:
            with transaction.atomic(), paused():
                empty_database()
                ContentType.objects.clear_cache()  # flush numbered the content types anew
                call_command("loaddata", str(Path(tmp) / DATABASE_FILE), verbosity=0)
        finally:
            ContentType.objects.clear_cache()

        restored = 0
        for folder, storage in storages().items():
            root = Path(tmp) / folder
            if not root.is_dir():
                continue
            for file_path in sorted(p for p in root.rglob("*") if p.is_file()):
                name = file_path.relative_to(root).as_posix()
                if storage.exists(name):
                    storage.delete(name)
                with open(file_path, "rb") as handle:
                    saved = storage.save(name, File(handle, name=name))
                if saved != name:
                    raise BackupError(f"Could not write {folder}/{name} back under its own name.")
                restored += 1

    reindex_all()
    call_command("update_index", verbosity=0)
    if stdout:
        stdout.write(f"Restored the database and {restored} files from {path}.")
    return manifest
