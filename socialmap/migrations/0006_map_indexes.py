from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes for the map's GeoJSON at scale (socialmap.mapdata): locations by position (the viewport) and a
    facility's locations in their order (its first location)."""

    dependencies = [
        ("socialmap", "0005_merge_20261123_1115"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="location",
            index=models.Index(fields=["latitude", "longitude"], name="socialmap_location_position"),
        ),
        migrations.AddIndex(
            model_name="serviceatlocation",
            index=models.Index(fields=["facility", "sort_order"], name="socialmap_sal_facility_order"),
        ),
    ]
