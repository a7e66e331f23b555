"""The anonymous query log: per normalised query, per week and per source, how often and how often
without results. Nothing about who searched is stored; queries that look like personal data (e-mail
addresses, phone numbers, postcode with house number, long digit runs) are not logged at all."""

import re
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from .analysis import fold

EMAIL_RE = re.compile(r"\S+@\S+")
PHONE_RE = re.compile(r"(\+?\d[\d\s\-]{7,}\d)")
POSTCODE_HOUSE_RE = re.compile(r"\b\d{4}\s?[a-z]{2}\b.*\d|\d+\s*[a-z]?\s*,?\s*\d{4}\s?[a-z]{2}\b", re.IGNORECASE)
DIGITS_RE = re.compile(r"\d{6,}")


def normalise(query):
    return " ".join(fold(query).split())[:200]


def looks_personal(query):
    q = query.strip()
    return bool(EMAIL_RE.search(q) or PHONE_RE.search(q) or POSTCODE_HOUSE_RE.search(q) or DIGITS_RE.search(q))


def week_of(day=None):
    day = day or timezone.localdate()
    return day - timedelta(days=day.weekday())


def log_query(query, result_count, source="site"):
    """Count one search. Returns False when the query was not logged (empty or personal-looking)."""
    from .models import SearchQuery

    text = normalise(query)
    if not text or looks_personal(text):
        return False
    # One statement (the cached search pages replay this on every hit): insert the week's row or count up.
    # ON CONFLICT ... DO UPDATE is the same in PostgreSQL and SQLite (3.24+); Django's ORM has no increment
    # in an upsert (bulk_create(update_conflicts=True) can only copy the new row's values).
    table = connection.ops.quote_name(SearchQuery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (query, week, source, count, zero_result_count) VALUES (%s, %s, %s, 1, %s) "
            f"ON CONFLICT (query, week, source) DO UPDATE SET count = {table}.count + 1, "
            f"zero_result_count = {table}.zero_result_count + excluded.zero_result_count",
            [text, week_of(), source, 0 if result_count else 1],
        )
    return True
