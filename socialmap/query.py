"""The social map's state in the URL: parse GET parameters into a clean search, and build URLs back.

Bad input never raises: garbage is dropped (unknown facet codes, malformed numbers) or answered with a
clear Dutch message (postcode, radius, location), and what the resident entered stays in the form.
"""

import math
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from search.facilities import FACET_GROUPS, SORTS, FacilityQuery

from .postcode import normalise_postcode, resolve_postcode

MAX_TEXT = 200
MAX_CODES_PER_GROUP = 40
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,60}$")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
RADIUS_CHOICES = [1, 2, 5, 10, 25, 50]
MAX_RADIUS = 100.0
STATE_PARAMS = ["q", *FACET_GROUPS, "postcode", "lat", "lng", "radius", "sort"]


def known_codes():
    """Facet codes that exist: {group: {code, ...}}, with wijk slugs mapped to their CBS code."""
    from .models import Area, TaxonomyTerm

    codes = {group: {} for group in FACET_GROUPS}
    for taxonomy, code in TaxonomyTerm.objects.values_list("taxonomy", "code"):
        codes.setdefault(taxonomy, {})[code] = code
    for kind, slug, cbs_code in Area.objects.filter(kind__in=["gebied", "wijk", "dorp"]).values_list("kind", "slug", "cbs_code"):
        if kind == "gebied":
            codes["gebied"][slug] = slug
        else:
            codes["wijk"][slug] = cbs_code or slug
            if cbs_code:
                codes["wijk"][cbs_code] = cbs_code
    return codes


def parse_float(value):
    try:
        number = float(str(value).replace(",", ".")[:40])
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def parse_page(value):
    value = str(value or "").strip()
    if not value.isdigit() or len(value) > 9:
        return 1
    return max(1, int(value))


@dataclass
class MapSearch:
    text: str = ""
    filters: dict = field(default_factory=dict)
    postcode: str = ""  # as the resident typed it (kept in the form, also when it is wrong)
    lat: float | None = None  # from the browser's location (hidden fields)
    lng: float | None = None
    radius_km: float | None = None
    sort: str = ""
    page: int = 1
    near: tuple | None = None
    near_label: str = ""
    errors: dict = field(default_factory=dict)  # field -> message
    notices: list = field(default_factory=list)

    @property
    def radius_value(self):
        if self.radius_km is None:
            return ""
        return str(int(self.radius_km)) if float(self.radius_km).is_integer() else str(self.radius_km)

    @property
    def effective_sort(self):
        if self.sort in SORTS and (self.sort != "distance" or self.near):
            return self.sort
        if self.near:
            return "distance"
        return "relevance" if self.text else "name"

    @property
    def has_filters(self):
        return any(self.filters.values())

    @property
    def has_criteria(self):
        return bool(self.text or self.has_filters or self.near)

    def to_query(self):
        return FacilityQuery(
            text=self.text,
            filters={g: list(c) for g, c in self.filters.items() if c},
            near=self.near,
            radius_km=self.radius_km if self.near else None,
            sort=self.effective_sort,
        )

    def params(self, **changes):
        """The URL parameters of this state as a list of pairs; `changes` replace or (None) drop a key."""
        values = {
            "q": self.text,
            "postcode": self.postcode,
            "lat": "" if self.lat is None or self.postcode else f"{self.lat:.5f}",
            "lng": "" if self.lng is None or self.postcode else f"{self.lng:.5f}",
            "radius": self.radius_value,
            "sort": self.sort if self.sort in SORTS else "",
            **{g: list(self.filters.get(g, [])) for g in FACET_GROUPS},
        }
        values.update(changes)
        pairs = []
        for key in STATE_PARAMS + ["page"]:
            value = values.get(key)
            if isinstance(value, (list, tuple)):
                pairs.extend((key, v) for v in value)
            elif value not in (None, "") and not (key == "page" and value == 1):
                pairs.append((key, value))
        return pairs

    def querystring(self, **changes):
        pairs = self.params(**changes)
        return "?" + urlencode(pairs) if pairs else "?"

    def without(self, group, code):
        """The query string with one filter value removed (for 'remove this filter' links)."""
        return self.querystring(**{group: [c for c in self.filters.get(group, []) if c != code]})


def parse_map_search(get, resolve=resolve_postcode):
    """Parse request.GET (a QueryDict or a dict of lists) into a MapSearch."""
    getlist = get.getlist if hasattr(get, "getlist") else (lambda k: get.get(k, []))
    first = lambda k: (getlist(k) or [""])[0]  # noqa: E731
    state = MapSearch()

    text = CONTROL_RE.sub(" ", str(first("q")))
    state.text = " ".join(text.split())[:MAX_TEXT].strip()

    codes = known_codes()
    for group in FACET_GROUPS:
        chosen = []
        for raw in getlist(group)[:MAX_CODES_PER_GROUP]:
            code = codes.get(group, {}).get(str(raw).strip()) if CODE_RE.match(str(raw).strip()) else None
            if code and code not in chosen:
                chosen.append(code)
        if chosen:
            state.filters[group] = chosen

    sort = str(first("sort"))
    state.sort = sort if sort in SORTS else ""
    state.page = parse_page(first("page"))

    radius_raw = str(first("radius")).strip()
    if radius_raw:
        radius = parse_float(radius_raw)
        if radius is None or not 0 < radius <= MAX_RADIUS:
            state.errors["radius"] = _("Choose a distance of at most 100 km. We now search without a distance limit.")
        else:
            state.radius_km = round(radius, 1)

    postcode_raw = str(first("postcode"))[:MAX_TEXT].strip()
    state.postcode = CONTROL_RE.sub("", postcode_raw)
    if state.postcode:
        postcode = normalise_postcode(state.postcode)
        if postcode is None:
            state.errors["postcode"] = _("Enter a postcode as 4 digits and 2 letters, for example 7811 AB.")
        else:
            position = resolve(postcode)
            if position is None:
                state.errors["postcode"] = _(
                    "We do not know postcode %(postcode)s. Check it, or search without a postcode."
                ) % {"postcode": postcode}
            else:
                state.near, state.near_label = position, postcode
    lat_raw, lng_raw = str(first("lat")).strip(), str(first("lng")).strip()
    if (lat_raw or lng_raw) and state.near is None and "postcode" not in state.errors:
        lat, lng = parse_float(lat_raw), parse_float(lng_raw)
        if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
            state.notices.append(_("We could not use your location. Enter your postcode instead."))
        else:
            state.lat, state.lng = lat, lng
            state.near, state.near_label = (lat, lng), _("your location")
    return state
