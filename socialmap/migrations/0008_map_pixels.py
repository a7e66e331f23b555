from django.db import migrations, models


def fill_map_pixels(apps, schema_editor):
    """Facility.map_x/map_y from the stored map position (as socialmap.mapdata.refresh_map_positions)."""
    from socialmap.mapdata import pixel_expressions

    Facility = apps.get_model("socialmap", "Facility")
    map_x, map_y = pixel_expressions("map_latitude", "map_longitude")
    Facility.objects.filter(map_latitude__isnull=False).update(map_x=map_x, map_y=map_y)


class Migration(migrations.Migration):
    """The map position as whole Web Mercator pixels at zoom 22 with a partial covering index, so the map's
    grid clustering is integer arithmetic in an index-only scan (socialmap.mapdata)."""

    dependencies = [
        ("socialmap", "0007_facility_map_position"),
    ]

    operations = [
        migrations.AddField(model_name="facility", name="map_x", field=models.IntegerField(blank=True, editable=False, null=True)),
        migrations.AddField(model_name="facility", name="map_y", field=models.IntegerField(blank=True, editable=False, null=True)),
        migrations.RunPython(fill_map_pixels, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="facility",
            index=models.Index(
                condition=models.Q(("live", True), ("map_x__isnull", False), ("status", "active")),
                fields=["map_x", "map_y"],
                include=("map_latitude", "map_longitude", "id"),
                name="socialmap_facility_mappx",
            ),
        ),
    ]
