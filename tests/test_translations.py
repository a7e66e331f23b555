"""Dutch is the default and English complete: every interface string has a Dutch translation, none fuzzy,
and no string in the code is missing from the catalogues."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns(".venv", "node_modules", "media", "private_media", "static_collected", "*.sqlite3", ".git", "__pycache__")


def catalogues(root):
    return sorted(p for p in root.rglob("locale/nl/LC_MESSAGES/django.po") if ".venv" not in p.parts and "node_modules" not in p.parts)


def untranslated(po_path):
    polib = pytest.importorskip("polib")
    return [e.msgid for e in polib.pofile(str(po_path)) if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def test_every_dutch_catalogue_is_complete():
    paths = catalogues(BASE_DIR)
    assert paths, "no Dutch catalogues found"
    problems = {str(p.relative_to(BASE_DIR)): untranslated(p) for p in paths}
    assert {k: v for k, v in problems.items() if v} == {}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext not installed")
def test_no_interface_string_is_missing_from_the_catalogues(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(BASE_DIR, copy, ignore=IGNORE, symlinks=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete", "-v0",
         "--ignore=.venv/*", "--ignore=node_modules/*", "--ignore=tests/*", "--ignore=bench/*"],
        cwd=copy, check=True, env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    missing = {str(p.relative_to(copy)): untranslated(p) for p in catalogues(copy)}
    assert {k: v for k, v in missing.items() if v} == {}, "run `make translations` and translate the new strings"
