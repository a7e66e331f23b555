"""Shared helpers for the community pages (news, events, areas, newsletter): spam protection,
pagination, the social-map and initiatives lookups. Kept out of views so tests call them directly."""

import hashlib

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.translation import gettext_lazy as _

from .forms import NLDSFormMixin

# Sign-ups and subscriptions per visitor: at most RATE_LIMIT_COUNT in RATE_LIMIT_SECONDS (per form).
RATE_LIMIT_COUNT = 5
RATE_LIMIT_SECONDS = 600


def _client_key(request, scope):
    """A hash of the visitor's address: enough to count attempts, never stored as the address itself."""
    ip = request.META.get("REMOTE_ADDR", "") or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{scope}|{ip}".encode()).hexdigest()
    return f"dichtbij-rl:{scope}:{digest[:40]}"


def rate_limited(request, scope):
    """Count one attempt; True when this visitor went over the limit for this form (cache-based)."""
    count = getattr(settings, "COMMUNITY_RATE_LIMIT_COUNT", RATE_LIMIT_COUNT)
    seconds = getattr(settings, "COMMUNITY_RATE_LIMIT_SECONDS", RATE_LIMIT_SECONDS)
    key = _client_key(request, scope)
    if cache.add(key, 1, timeout=seconds):
        return False
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return False
    return attempts > count


class HoneypotFormMixin(NLDSFormMixin):
    """A field people never see (hidden with CSS and aria-hidden) and bots fill in."""

    honeypot_field = "website"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.honeypot_field] = forms.CharField(
            label=_("Leave this field empty"), required=False, max_length=200
        )
        self.fields[self.honeypot_field].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_spam(self):
        return bool(self.data.get(self.add_prefix(self.honeypot_field), "").strip())

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != self.honeypot_field]

    @property
    def honeypot(self):
        return self[self.honeypot_field]


def paginate(request, items, per_page=10):
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(request.GET.get("pagina") or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def get_model_or_none(app_label, model_name):
    """A model of another app when it is installed and has been built (initiatives arrives separately)."""
    if not apps.is_installed(app_label):
        return None
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def area_facility_filters(area):
    """The facility-search filter for an area: a gebied by slug, a wijk or dorp by CBS code."""
    if area is None:
        return None
    if area.kind == "gebied":
        return {"gebied": [area.slug]}
    if area.kind in ("wijk", "dorp"):
        return {"wijk": [area.cbs_code or area.slug]}
    return None


def facilities_in_area(area, limit=None):
    """Live facilities in an area, by name, as FacilityHits of the facility search service.

    search_facilities() always counts facets too (44 queries, about 1.5 s for a gebied in the demo), which
    an area page does not show; so we use the service's own filter (apply_filters over public_facilities,
    the same strict area semantics) and fall back to search_facilities when that part is not there.
    """
    filters = area_facility_filters(area)
    if not filters:
        return []
    try:
        from search.facilities import FacilityHit, apply_filters, first_location, public_facilities
    except ImportError:
        from search.facilities import FacilityQuery, search_facilities

        hits = search_facilities(FacilityQuery(filters=filters, sort="name")).hits
    else:
        facilities = apply_filters(public_facilities(), filters).order_by("name")
        hits = [FacilityHit(facility=f, location=first_location(f)) for f in facilities]
    return hits[:limit] if limit else hits


def area_boundary_geojson(area):
    """A FeatureCollection of the area's boundary, or of its wijken when the area itself has none."""
    if area is None:
        return None
    features = []
    sources = [area] if area.boundary else list(area.descendants_and_self().exclude(boundary=None))
    for source in sources:
        if source.boundary:
            features.append({"type": "Feature", "properties": {"name": source.name}, "geometry": source.boundary})
    if not features:
        return None
    return {"type": "FeatureCollection", "features": features}


def funded_initiatives_in_area(area, limit=6):
    """Funded initiatives in the area when the initiatives app provides them; an empty list otherwise.

    The initiatives app is built separately; we look for a public showcase model or for granted
    applications, and use whatever area field it has. Any mismatch gives an empty list, never an error.
    """
    if area is None:
        return []
    from django.core.exceptions import FieldError

    area_ids = list(area.descendants_and_self().values_list("pk", flat=True))
    for model_name in ("Initiative", "InitiativePage", "Application"):
        model = get_model_or_none("initiatives", model_name)
        if model is None:
            continue
        field_names = {f.name for f in model._meta.get_fields()}
        area_field = next((n for n in ("area", "gebied", "wijk") if n in field_names), None)
        if area_field is None:
            continue
        qs = model._default_manager.filter(**{f"{area_field}__in": area_ids})
        try:
            if hasattr(qs, "live"):
                qs = qs.live()
            if hasattr(model, "is_public") and "is_public" in field_names:
                qs = qs.filter(is_public=True)
            elif "status" in field_names:
                status_values = {"granted", "approved", "funded", "toegekend", "completed", "reported"}
                choices = {c[0] for c in (model._meta.get_field("status").choices or [])}
                if choices:
                    qs = qs.filter(status__in=choices & status_values)
            return list(qs[:limit])
        except (FieldError, ValueError, TypeError):
            return []
    return []


def make_token(value, salt):
    """A signed token that fits in a Wagtail page route ([A-Za-z0-9_-] only: signing's ':' does not)."""
    from base64 import urlsafe_b64encode

    from django.core import signing

    signed = signing.dumps(value, salt=salt, compress=True)
    return urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def read_token(token, salt, max_age=None):
    """The value in a token from make_token; raises django.core.signing.BadSignature when forged or expired."""
    from base64 import urlsafe_b64decode
    from binascii import Error as Base64Error

    from django.core import signing

    try:
        signed = urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (Base64Error, UnicodeDecodeError, ValueError):
        raise signing.BadSignature("malformed token")
    return signing.loads(signed, salt=salt, max_age=max_age)
