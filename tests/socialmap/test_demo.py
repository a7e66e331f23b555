"""The demo social map: enough facilities in every levensdomein and gebied, some due for a check, idempotent."""

from datetime import date

import pytest
from wagtail.models import Revision

from socialmap import demo
from socialmap.models import Area, Facility
from socialmap.taxonomy import LEVENSDOMEINEN


@pytest.mark.django_db
def test_demo_loads_150_facilities_in_every_levensdomein_and_gebied_and_is_idempotent():
    report = demo.load(None, today=date(2026, 11, 23))
    assert report.ok, [str(e) for e in report.errors[:5]]
    assert Facility.objects.filter(live=True).count() >= 150
    for code, _label in LEVENSDOMEINEN:
        assert Facility.objects.filter(terms__taxonomy="levensdomein", terms__code=code).exists(), code
    for gebied in Area.objects.filter(kind="gebied"):
        assert Facility.objects.filter(service_at_locations__location__area__parent=gebied).exists(), gebied.name
    due = [f for f in Facility.objects.all() if f.review_due]
    assert 5 <= len(due) < 60
    assert Facility.objects.exclude(review_contact_email="").count() > 140

    revisions = Revision.objects.count()
    second = demo.load(None, today=date(2027, 1, 5))  # a later day: the stored check dates stay as they are
    assert second.unchanged == second.total and Revision.objects.count() == revisions
