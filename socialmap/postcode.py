"""Resolve a Dutch postcode to a position for 'near me' searches.

First our own data (the mean position of live locations with that postcode; for a postcode we do not
know, the centre of the wijk where locations with the same four digits are), then, when
SOCIALMAP_POSTCODE_PDOK is on, PDOK's Locatieserver through a small client (tested against a local
HTTP server answering in PDOK's format).
"""

import logging
import re
from collections import Counter

import requests
from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Q

logger = logging.getLogger(__name__)

POSTCODE_RE = re.compile(r"^([1-9][0-9]{3})\s*([A-Za-z]{2})?$")
POINT_RE = re.compile(r"POINT\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)\s*\)")


def normalise_postcode(value):
    """'7811ab' / '7811 AB' -> '7811 AB'; '7811' -> '7811'; anything else -> None."""
    match = POSTCODE_RE.match((value or "").strip())
    if not match:
        return None
    digits, letters = match.groups()
    return f"{digits} {letters.upper()}" if letters else digits


def from_own_data(postcode):
    from .models import Location

    live = Location.objects.filter(live=True, latitude__isnull=False, longitude__isnull=False)
    digits = postcode[:4]
    if len(postcode) > 4:
        exact = live.filter(Q(postal_code__iexact=postcode) | Q(postal_code__iexact=postcode.replace(" ", "")))
        position = exact.aggregate(lat=Avg("latitude"), lng=Avg("longitude"))
        if position["lat"] is not None:
            return position["lat"], position["lng"]
    same_digits = list(
        live.filter(postal_code__startswith=digits).values_list("latitude", "longitude", "area__latitude", "area__longitude")[:200]
    )
    if not same_digits:
        return None
    areas = Counter((a_lat, a_lng) for _, _, a_lat, a_lng in same_digits if a_lat is not None and a_lng is not None)
    if areas:
        return areas.most_common(1)[0][0]
    return sum(r[0] for r in same_digits) / len(same_digits), sum(r[1] for r in same_digits) / len(same_digits)


class PdokPostcodeClient:
    """PDOK Locatieserver 'free' search for one postcode; returns (lat, lng) or None. Never raises."""

    def __init__(self, base_url=None, timeout=2.0):
        self.base_url = (base_url or settings.PDOK_LOCATIESERVER_URL).rstrip("/")
        self.timeout = timeout

    def lookup(self, postcode):
        params = {"q": postcode.replace(" ", ""), "fq": "type:postcode", "rows": 1, "fl": "centroide_ll,postcode"}
        try:
            response = requests.get(f"{self.base_url}/free", params=params, timeout=self.timeout)
            response.raise_for_status()
            docs = response.json().get("response", {}).get("docs", [])
        except (requests.RequestException, ValueError) as exc:
            logger.warning("PDOK postcode lookup failed: %s", exc)
            return None
        for doc in docs:
            match = POINT_RE.match(str(doc.get("centroide_ll", "")))
            if match:
                lng, lat = float(match.group(1)), float(match.group(2))
                if -90 <= lat <= 90 and -180 <= lng <= 180:
                    return lat, lng
        return None


def resolve_postcode(postcode, client=None):
    """(lat, lng) for a normalised postcode, or None when we cannot place it."""
    position = from_own_data(postcode)
    if position is not None:
        return position
    if client is None and not getattr(settings, "SOCIALMAP_POSTCODE_PDOK", False):
        return None
    key = f"socialmap:postcode:{postcode.replace(' ', '')}"
    cached = cache.get(key)
    if cached is not None:
        return tuple(cached) if cached else None
    position = (client or PdokPostcodeClient()).lookup(postcode)
    cache.set(key, list(position) if position else [], 60 * 60 * 24 if position else 60 * 5)
    return position
