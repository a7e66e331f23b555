from django.db import migrations, models
from django.db.models.expressions import CombinedExpression
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Max, Min, Sum, Value

MAP_CELL_PX = 2**14  # socialmap.mapdata.MAP_CELL_PX


def fill_map_pixels(apps, schema_editor):
    """Facility.map_x/map_y from the stored map position, and the MapCells from those (as
    socialmap.mapdata.refresh_map_positions and refresh_map_cells)."""
    from socialmap.mapdata import pixel_expressions

    Facility = apps.get_model("socialmap", "Facility")
    MapCell = apps.get_model("socialmap", "MapCell")
    map_x, map_y = pixel_expressions("map_latitude", "map_longitude")
    Facility.objects.filter(map_latitude__isnull=False).update(map_x=map_x, map_y=map_y)
    rows = (
        Facility.objects.filter(live=True, status="active", map_x__isnull=False)
        .annotate(cx=ExpressionWrapper(F("map_x") / Value(MAP_CELL_PX), output_field=IntegerField()),
                  cy=ExpressionWrapper(F("map_y") / Value(MAP_CELL_PX), output_field=IntegerField()))
        .values("cx", "cy")
        .annotate(count=Count("pk"), sum_lat=Sum("map_latitude"), sum_lng=Sum("map_longitude"), min_lat=Min("map_latitude"),
                  max_lat=Max("map_latitude"), min_lng=Min("map_longitude"), max_lng=Max("map_longitude"), px=Min("map_x"), py=Min("map_y"))
        .order_by()
    )
    MapCell.objects.bulk_create([MapCell(**row) for row in rows], batch_size=500)


class Migration(migrations.Migration):
    """The map position as whole Web Mercator pixels at zoom 22 with a partial covering index, and MapCell
    (per square of those pixels, the public facilities counted), so the map's grid clustering is integer
    arithmetic in an index-only scan or a sum over a few thousand squares (socialmap.mapdata)."""

    dependencies = [
        ("socialmap", "0007_facility_map_position"),
    ]

    operations = [
        migrations.AddField(model_name="facility", name="map_x", field=models.IntegerField(blank=True, editable=False, null=True)),
        migrations.AddField(model_name="facility", name="map_y", field=models.IntegerField(blank=True, editable=False, null=True)),
        migrations.CreateModel(
            name="MapCell",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("cx", models.IntegerField()),
                ("cy", models.IntegerField()),
                ("count", models.PositiveIntegerField()),
                ("sum_lat", models.FloatField()),
                ("sum_lng", models.FloatField()),
                ("min_lat", models.FloatField()),
                ("max_lat", models.FloatField()),
                ("min_lng", models.FloatField()),
                ("max_lng", models.FloatField()),
                ("px", models.IntegerField()),
                ("py", models.IntegerField()),
            ],
            options={"constraints": [models.UniqueConstraint(fields=("cx", "cy"), name="socialmap_mapcell_unique")]},
        ),
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
        migrations.AddIndex(
            model_name="facility",
            index=models.Index(
                models.ExpressionWrapper(CombinedExpression(models.F("map_x"), "/", models.Value(16384)), output_field=models.IntegerField()),
                models.ExpressionWrapper(CombinedExpression(models.F("map_y"), "/", models.Value(16384)), output_field=models.IntegerField()),
                condition=models.Q(("live", True), ("map_x__isnull", False), ("status", "active")),
                name="socialmap_facility_mapcell",
            ),
        ),
        migrations.AddIndex(
            model_name="facility",
            index=models.Index(
                condition=models.Q(("live", True), ("map_x__isnull", True), ("status", "active")),
                fields=["id"],
                name="socialmap_facility_unplaced",
            ),
        ),
    ]
