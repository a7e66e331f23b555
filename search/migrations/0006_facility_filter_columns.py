"""What the facility search filters, counts and measures, copied onto the search documents
(search.indexing keeps them current on save and on reindex):

- term_keys, location_area_keys, served_area_keys, points: space-separated text on every database;
- PostgreSQL: generated arrays over them (term_arr uuid[], loc_areas and served_areas bigint[], pts
  float8[]) with GIN indexes, so a filter is an array overlap on the matched row instead of a join
  and the nearest location a few multiplications; the columns are filled from the relations here, so
  no reindex is needed after migrating;
- PostgreSQL: indexes for the postcode lookup of "near me" (UPPER(postal_code) for iexact, and
  varchar_pattern_ops for the LIKE '7811%' of an unknown postcode), which read every location before.
"""

from django.db import migrations, models

DOC = "search_facilitysearchdocument"
FILL = f"""
UPDATE {DOC} d SET
  term_keys = COALESCE((SELECT string_agg(x.taxonomyterm_id::text, ' ') FROM socialmap_facility_terms x
                        WHERE x.facility_id = d.facility_id), ''),
  location_area_keys = COALESCE((SELECT string_agg(DISTINCT l.area_id::text, ' ') FROM socialmap_serviceatlocation s
                        JOIN socialmap_location l ON l.id = s.location_id WHERE s.facility_id = d.facility_id
                        AND l.area_id IS NOT NULL), ''),
  served_area_keys = COALESCE((SELECT string_agg(x.area_id::text, ' ') FROM socialmap_facility_areas_served x
                        WHERE x.facility_id = d.facility_id), ''),
  points = COALESCE((SELECT string_agg(l.latitude::text || ' ' || l.longitude::text, ' ' ORDER BY s.sort_order, s.id)
                        FROM socialmap_serviceatlocation s JOIN socialmap_location l ON l.id = s.location_id
                        WHERE s.facility_id = d.facility_id AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL), '')
"""
ARRAYS = [
    ("term_arr", "uuid[]", "term_keys"),
    ("loc_areas", "bigint[]", "location_area_keys"),
    ("served_areas", "bigint[]", "served_area_keys"),
    ("pts", "double precision[]", "points"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FILL)
    for column, kind, source in ARRAYS:
        schema_editor.execute(
            f"ALTER TABLE {DOC} ADD COLUMN {column} {kind} GENERATED ALWAYS AS (string_to_array({source}, ' ')::{kind}) STORED"
        )
    for column in ("term_arr", "loc_areas", "served_areas"):
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {DOC}_{column} ON {DOC} USING GIN ({column})")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS search_location_postcode_upper ON socialmap_location (UPPER(postal_code::text))"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS search_location_postcode_prefix ON socialmap_location (postal_code varchar_pattern_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS search_location_postcode_upper")
    schema_editor.execute("DROP INDEX IF EXISTS search_location_postcode_prefix")
    for column, _kind, _source in ARRAYS:
        schema_editor.execute(f"ALTER TABLE {DOC} DROP COLUMN IF EXISTS {column}")


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0005_search_indexes'),
        ('socialmap', '0007_facility_map_position'),
    ]

    operations = [
        migrations.AddField(
            model_name='facilitysearchdocument',
            name='location_area_keys',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='facilitysearchdocument',
            name='points',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='facilitysearchdocument',
            name='served_area_keys',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='facilitysearchdocument',
            name='term_keys',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.RunPython(create, drop),
    ]
