"""Indexes the facility search needs at 100,000 facilities (PostgreSQL; SQLite sets stay small):

- a trigram GIN index on facility names, so the autocomplete's "a word of the name starts with ..."
  (ILIKE 'x%' OR ILIKE '% x%') is an index scan instead of reading every facility;
- an index on the search documents' updated_at: the index signature (search.indexing) reads its maximum
  on every search.

pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it. Where that is not
allowed the trigram index is skipped and the autocomplete still works, only slower.
"""

from django.db import migrations

TRGM_INDEX = "search_facility_name_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS search_facilitysearchdocument_updated_at ON search_facilitysearchdocument (updated_at)"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        have = cursor.fetchone() is not None
    if not have:
        try:
            with schema_editor.connection.cursor() as cursor:
                cursor.execute("SAVEPOINT search_trgm")
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute("RELEASE SAVEPOINT search_trgm")
            have = True
        except Exception:  # noqa: BLE001 - no right to create extensions: go without the index
            with schema_editor.connection.cursor() as cursor:
                cursor.execute("ROLLBACK TO SAVEPOINT search_trgm")
    if have:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON socialmap_facility USING gin (UPPER(name::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
    schema_editor.execute("DROP INDEX IF EXISTS search_facilitysearchdocument_updated_at")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_permissions"), ("socialmap", "0005_merge_20261123_1115")]
    operations = [migrations.RunPython(create, drop)]
