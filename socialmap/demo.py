"""Demo data of the social map: 150 facilities of gemeente Emmen (synthetic, see DATA_SOURCES.md).

`load(home, stdout=None)` is called by `manage.py load_demo`. It imports `data/demo_facilities.json`
through the HSDS importer, so the demo exercises the same path as real imports. Idempotent: a second
run finds every record unchanged and writes nothing. The public page (SocialMapPage) is made by the
public side's own demo code; this module only loads data.

The check dates in the file are relative to DEMO_REFERENCE_DATE and are moved to today when a facility
is first loaded, so a fresh demo always has a handful of facilities due for their periodic check.
"""

import json
from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_facilities.json"
DEMO_REFERENCE_DATE = date(2026, 11, 23)


def demo_records(today=None):
    from .models import Facility

    records = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    shift = (today or timezone.localdate()) - DEMO_REFERENCE_DATE
    known = dict(Facility.objects.filter(pk__in=[r["id"] for r in records]).values_list("pk", "last_verified"))
    known = {str(pk): value for pk, value in known.items()}
    for record in records:
        if record["id"] in known:
            # Keep what the facility has now (a later check moved it on): the demo must not undo it.
            verified = known[record["id"]]
            if verified:
                record["assured_date"] = verified.isoformat()
            else:
                record.pop("assured_date", None)
        elif record.get("assured_date"):
            record["assured_date"] = (date.fromisoformat(record["assured_date"]) + shift).isoformat()
    return records


def load(home=None, stdout=None, today=None):
    from .hsds import import_services

    report = import_services(demo_records(today))
    if stdout is not None:
        stdout.write(f"Social map: {report.summary()}")
        for error in report.errors[:20]:
            stdout.write(f"  {error}")
    return report
