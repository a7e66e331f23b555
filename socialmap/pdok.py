"""A small client for PDOK's Locatieserver (address -> coordinates), used by the admin's location picker.

    suggestions = lookup_address("Noorderplein 1 Emmen")   # [AddressSuggestion(label, latitude, longitude)]

It asks the `free` endpoint for addresses (`fq=type:adres`, `rows=5`) and reads `response.docs[]`:
`weergavenaam` (the address as people write it) and `centroide_ll` ("POINT(lng lat)", WGS84). The base
URL comes from settings.PDOK_LOCATIESERVER_URL. Any failure (no network, timeout, an error status,
an answer that is not PDOK's format) raises PdokUnavailable, so the admin can say so and the editor
places the pin by hand. Standard library only: one GET with a short timeout needs nothing more.
"""

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

DEFAULT_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1"
POINT_RE = re.compile(r"^\s*POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)\s*$", re.IGNORECASE)


class PdokUnavailable(Exception):
    """The Locatieserver could not be reached or gave no usable answer."""


@dataclass
class AddressSuggestion:
    label: str
    latitude: float
    longitude: float

    def as_dict(self):
        return {"label": self.label, "latitude": self.latitude, "longitude": self.longitude}


def parse_point(value):
    """'POINT(6.89 52.78)' -> (52.78, 6.89) as (lat, lng); None when it is not a point."""
    match = POINT_RE.match(value or "")
    if not match:
        return None
    lng, lat = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return lat, lng


def parse_response(data):
    try:
        docs = data["response"]["docs"]
    except (KeyError, TypeError) as exc:
        raise PdokUnavailable("unexpected answer") from exc
    suggestions = []
    for doc in docs if isinstance(docs, list) else []:
        point = parse_point(doc.get("centroide_ll")) if isinstance(doc, dict) else None
        if point and doc.get("weergavenaam"):
            suggestions.append(AddressSuggestion(str(doc["weergavenaam"]), point[0], point[1]))
    return suggestions


def lookup_address(query, rows=5, timeout=None, base_url=None):
    query = " ".join((query or "").split())[:200]
    if not query:
        return []
    base_url = (base_url or getattr(settings, "PDOK_LOCATIESERVER_URL", "") or DEFAULT_URL).rstrip("/")
    timeout = timeout if timeout is not None else getattr(settings, "PDOK_TIMEOUT", 3)
    params = urllib.parse.urlencode({"q": query, "fq": "type:adres", "rows": rows, "fl": "weergavenaam,centroide_ll"})
    request = urllib.request.Request(f"{base_url}/free?{params}", headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(1_000_000)
        data = json.loads(body.decode("utf-8"))
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise PdokUnavailable(str(exc)) from exc
    return parse_response(data)
