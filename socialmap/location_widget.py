"""The location picker of the admin: a Leaflet map (django-leaflet's assets) under the latitude and
longitude fields, and an address lookup through our own endpoint, which asks PDOK's Locatieserver.

The fields stay ordinary number inputs: without JavaScript the editor types the coordinates. The map,
the lookup button and its results are drawn by socialmap/js/location-picker.js.
"""

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.admin.panels import Panel

from .pdok import PdokUnavailable, lookup_address


class LocationMapPanel(Panel):
    """Map and address lookup for the model's `latitude` and `longitude` fields."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "socialmap/admin/location_map_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            leaflet = getattr(settings, "LEAFLET_CONFIG", {})
            tiles = (leaflet.get("TILES") or [("", getattr(settings, "MAP_TILES_URL", ""), {})])[0]
            context.update(
                {
                    "lookup_url": reverse("socialmap_address_lookup"),
                    "tiles_url": tiles[1],
                    "attribution": (tiles[2] or {}).get("attribution", ""),
                    "center": leaflet.get("DEFAULT_CENTER", (52.785, 6.897)),
                    "zoom": leaflet.get("DEFAULT_ZOOM", 12),
                    "lat_id": self.form["latitude"].id_for_label if "latitude" in self.form.fields else "",
                    "lng_id": self.form["longitude"].id_for_label if "longitude" in self.form.fields else "",
                }
            )
            return context

        @property
        def media(self):
            return forms.Media(
                css={"all": ["leaflet/leaflet.css", "socialmap/css/location-picker.css"]},
                js=["leaflet/leaflet.js", "socialmap/js/location-picker.js"],
            )


@require_GET
def address_lookup_view(request):
    """JSON for the picker: {"results": [{label, latitude, longitude}]} or {"error": "..."} (status 503)."""
    query = request.GET.get("q", "").strip()
    if len(query) < 3:
        return JsonResponse({"results": [], "error": _("Type at least three characters of the address.")}, status=400)
    try:
        suggestions = lookup_address(query)
    except PdokUnavailable:
        return JsonResponse(
            {"results": [], "error": _("The address service (PDOK) cannot be reached. Place the pin on the map by hand or type the coordinates.")},
            status=503,
        )
    return JsonResponse({"results": [s.as_dict() for s in suggestions], "error": "" if suggestions else _("No address found.")})
