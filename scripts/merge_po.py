"""Resolve a git merge conflict in a .po catalogue by taking the union of both sides' translations.

Usage (during a conflicted merge): python scripts/merge_po.py path/to/django.po [...]
Entries are keyed by (msgctxt, msgid); a translated entry wins over an untranslated one; 'ours' wins ties.
Run `make translations` afterwards to drop entries no code uses any more.
"""

import subprocess
import sys

import polib


def side(path, stage):
    text = subprocess.run(["git", "show", f":{stage}:{path}"], capture_output=True, text=True, check=True).stdout
    return polib.pofile(text)


def merge(path):
    ours, theirs = side(path, 2), side(path, 3)
    index = {(e.msgctxt, e.msgid): e for e in ours}
    for entry in theirs:
        key = (entry.msgctxt, entry.msgid)
        mine = index.get(key)
        if mine is None:
            ours.append(entry)
            index[key] = entry
        elif not mine.translated() and entry.translated():
            mine.msgstr, mine.msgstr_plural, mine.flags = entry.msgstr, entry.msgstr_plural, entry.flags
        if mine is not None:
            mine.occurrences = sorted(set(mine.occurrences) | set(entry.occurrences))
    ours.save(path)
    subprocess.run(["git", "add", path], check=True)


if __name__ == "__main__":
    for p in sys.argv[1:]:
        merge(p)
