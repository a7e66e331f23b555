"""Fill a .po catalogue from a Python dict file: `python scripts/fill_po.py CATALOGUE.po TRANSLATIONS.py`.

TRANSLATIONS.py defines T = {"English msgid": "Nederlandse vertaling", ...}; for plurals the value is a
tuple (singular, plural). Existing translations are kept unless the dict gives a new one.
"""

import runpy
import sys

import polib


def main(po_path, translations_path):
    table = runpy.run_path(translations_path)["T"]
    po = polib.pofile(po_path)
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        value = table.get(entry.msgid)
        if value is None:
            if not entry.translated():
                missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            singular, plural = value
            entry.msgstr_plural = {0: singular, 1: plural}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata.update({"Language": "nl", "Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=2; plural=(n != 1);"})
    po.save()
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
