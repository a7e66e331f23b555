"""The full-text index over FacilitySearchDocument, per database:

- SQLite: an FTS5 virtual table (search_facility_fts, rowid = document id), filled by search.indexing;
- PostgreSQL: a generated tsvector column (name A; organisation, terms B; description C; extra, places, compound parts D)
  on the 'simple' configuration over our own Dutch stems, with a GIN index.
"""

from django.db import migrations

FIELDS = "name, organisation, terms, description, extra, places, parts"

PG_TSV = (
    "setweight(to_tsvector('simple'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(organisation, '') || ' ' || coalesce(terms, '')), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(description, '')), 'C') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(extra, '') || ' ' || coalesce(places, '') || ' ' || coalesce(parts, '')), 'D')"
)


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS search_facility_fts USING fts5({FIELDS}, tokenize='unicode61')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE search_facilitysearchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS ({PG_TSV}) STORED"
        )
        schema_editor.execute("CREATE INDEX search_facilitysearchdocument_tsv ON search_facilitysearchdocument USING GIN (tsv)")


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_facility_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_facilitysearchdocument_tsv")
        schema_editor.execute("ALTER TABLE search_facilitysearchdocument DROP COLUMN IF EXISTS tsv")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
