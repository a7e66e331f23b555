from django.db import migrations, models


def fill_map_positions(apps, schema_editor):
    """The position of each facility's first location (as socialmap.mapdata.refresh_map_positions)."""
    from django.db.models import OuterRef, Subquery

    Facility = apps.get_model("socialmap", "Facility")
    ServiceAtLocation = apps.get_model("socialmap", "ServiceAtLocation")
    first = ServiceAtLocation.objects.filter(facility_id=OuterRef("pk")).order_by("sort_order", "id")
    Facility.objects.update(
        map_latitude=Subquery(first.values("location__latitude")[:1]),
        map_longitude=Subquery(first.values("location__longitude")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("socialmap", "0006_map_indexes"),
    ]

    operations = [
        migrations.AddField(model_name="facility", name="map_latitude", field=models.FloatField(blank=True, editable=False, null=True)),
        migrations.AddField(model_name="facility", name="map_longitude", field=models.FloatField(blank=True, editable=False, null=True)),
        migrations.AddIndex(
            model_name="facility",
            index=models.Index(fields=["map_latitude", "map_longitude"], name="socialmap_facility_mappos"),
        ),
        migrations.RunPython(fill_map_positions, migrations.RunPython.noop),
    ]
