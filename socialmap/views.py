"""Thin views for the SocialMapPage routes: parse, call the services, render."""

import logging
import math

from django.conf import settings
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from leaflet import app_settings as leaflet_settings

from search.facilities import search_facilities

from . import public
from .clustering import Point, clamp_zoom, cluster_points, feature_collection, parse_bbox
from .forms import FacilityReportForm
from .mapdata import features_count, map_features, text_restriction
from .query import RADIUS_CHOICES, parse_map_search

logger = logging.getLogger(__name__)



def map_config(page, request, **extra):
    """Settings for map.js (passed through json_script: no inline script)."""
    tiles = (leaflet_settings.get("TILES") or [("", getattr(settings, "MAP_TILES_URL", ""), {})])[0]
    center = leaflet_settings.get("DEFAULT_CENTER") or (52.785, 6.897)
    config = {
        "tilesUrl": tiles[1],
        "attribution": (tiles[2] or {}).get("attribution", "") if len(tiles) > 2 else "",
        "center": list(center),
        "zoom": leaflet_settings.get("DEFAULT_ZOOM") or 12,
        "minZoom": leaflet_settings.get("MIN_ZOOM") or 7,
        "maxZoom": leaflet_settings.get("MAX_ZOOM") or 19,
        "labels": {
            "map": _("Map of the results"),
            "cluster": _("%(count)s facilities here. Zoom in."),
            "searchHere": _("Search in this area"),
            "loading": _("Loading the map…"),
            "failed": _("The map could not be loaded. The list shows all results."),
            "shown": _("The map shows %(count)s results."),
        },
    }
    config.update(extra)
    return config


def facet_groups(result, state):
    groups = []
    for group, values in result.facets.items():
        shown = [v for v in values if v.count or v.selected]
        if shown:
            groups.append({"name": group, "legend": public.group_label(group), "values": shown,
                           "open": any(v.selected for v in shown)})
    return groups


def active_filters(result, state):
    chips = []
    for group, values in result.facets.items():
        for value in values:
            if value.code in state.filters.get(group, []):
                chips.append({"label": value.name, "group": public.group_label(group),
                              "remove_url": state.without(group, value.code)})
    return chips


def radius_options(state):
    options = [{"value": str(km), "selected": state.radius_value == str(km)} for km in RADIUS_CHOICES]
    if state.radius_value and not any(o["selected"] for o in options):
        options.append({"value": state.radius_value, "selected": True})
    return options


def search_page_of_results(state, per_page):
    """The search for one page of the list: the database hands over only that page's facilities (the
    total and facet counts still cover all matches). A page past the end shows the last page."""
    query = state.to_query()
    query.limit, query.offset = per_page, (state.page - 1) * per_page
    result = search_facilities(query)
    if not result.hits and result.total and query.offset >= result.total:
        query.offset = (max(1, math.ceil(result.total / per_page)) - 1) * per_page
        result = search_facilities(query)
    return result


def social_map(request, page):
    state = parse_map_search(request.GET)
    result = search_page_of_results(state, page.results_per_page)
    paginator = Paginator(result.window(), page.results_per_page)
    page_obj = paginator.get_page(state.page)
    base_url = page.url
    items = []
    for hit in page_obj.object_list:
        facility = hit.facility
        items.append({
            "hit": hit,
            "facility": facility,
            "url": f"{base_url}{facility.slug}/",
            "address": public.address_line(hit.location),
            "distance": public.format_distance(hit.distance_km) if state.near else "",
            "tags": [t for t in facility.terms.all() if t.taxonomy in ("levensdomein", "doelgroep", "kosten")],
        })
    page_links = [
        {"number": n, "url": state.querystring(page=n), "current": n == page_obj.number}
        for n in (page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1) if paginator.count else [])
        if n != paginator.ELLIPSIS
    ] if paginator.num_pages > 1 else []
    context = {
        "state": state,
        "result": result,
        "page_obj": page_obj,
        "items": items,
        "page_links": page_links,
        "elided_pages": paginator.num_pages > len(page_links) if page_links else False,
        "prev_url": state.querystring(page=page_obj.previous_page_number()) if page_obj.has_previous() else "",
        "next_url": state.querystring(page=page_obj.next_page_number()) if page_obj.has_next() else "",
        "first_index": page_obj.start_index() if paginator.count else 0,
        "last_index": page_obj.end_index() if paginator.count else 0,
        "facet_groups": facet_groups(result, state),
        "active_filters": active_filters(result, state),
        "clear_filters_url": state.querystring(**{g: [] for g in state.filters}),
        "radius_options": radius_options(state),
        "any_distance_url": state.querystring(radius=None),
        "sort_choices": [("relevance", _("Best match")), ("distance", _("Distance")), ("name", _("Name (A-Z)"))],
        "map_config": map_config(page, request, geojsonUrl=page.url + page.reverse_subpage("geojson_route"),
                                 near=list(state.near) if state.near else None),
        "page_past_end": state.page > paginator.num_pages and paginator.count > 0,
    }
    return page.render(request, context_overrides=context)


def map_geojson(request, page):
    """GeoJSON of the current query inside the map's viewport (bbox, zoom), clustered on the server.

    The database does the filtering and the clustering (socialmap.mapdata), so the time does not grow with
    the number of facilities outside the viewport; search text restricts the facilities through the
    database search's own matching (synonyms, typos; relevance does not matter on a map). Only a search
    backend outside the database (Elasticsearch) has its hits loaded and clustered here."""
    state = parse_map_search(request.GET)
    zoom = clamp_zoom(request.GET.get("zoom"))
    if zoom is None:
        zoom = 12
    bbox = parse_bbox(request.GET.get("bbox", ""))
    base_url = page.url
    query = state.to_query()
    text = text_restriction(state.text, near=query.near) if state.text else None
    if state.text and text is None:  # a search backend outside the database (Elasticsearch)
        result = search_facilities(query)
        points = [
            Point(hit.location.latitude, hit.location.longitude, str(hit.facility.pk), hit.facility.name, f"{base_url}{hit.facility.slug}/")
            for hit in result.hits
            if hit.location is not None and hit.location.has_position
        ]
        features = cluster_points(points, zoom, bbox)
        total, mapped = result.total, features_count(features)
    else:
        features, total, mapped = map_features(query.filters, query.near, query.radius_km, zoom, bbox,
                                               facility_url=lambda slug: f"{base_url}{slug}/", text=text)
    collection = feature_collection(features, total=total, mapped=mapped, zoom=zoom)
    response = JsonResponse(collection, json_dumps_params={"separators": (",", ":"), "ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    return response


def get_facility_or_404(slug):
    facility = public.get_public_facility(slug)
    if facility is None:
        raise Http404(_("This facility does not exist or is not shown any more."))
    return facility


def detail_context(request, page, facility, form=None):
    url = request.build_absolute_uri(page.facility_url(facility, request))
    locations = public.location_details(facility)
    points = [d["map"] for d in locations if d["map"]]
    return {
        "facility": facility,
        "facility_url": url,
        "locations": locations,
        "terms": public.terms_by_taxonomy(facility),
        "languages": public.language_names(facility.languages),
        "phones": [{"number": p.number, "href": public.tel_href(p.number), "description": p.description} for p in facility.phones.all()],
        "jsonld": public.jsonld_script(public.facility_jsonld(facility, url)),
        "report_form": form or FacilityReportForm(),
        "report_url": page.url + page.reverse_subpage("report_route", kwargs={"slug": facility.slug}),
        "map_config": map_config(page, request, points=points, zoom=15) if points else None,
    }


def facility_detail(request, page, slug):
    facility = get_facility_or_404(slug)
    return page.render(request, template="socialmap/facility_detail.html",
                       context_overrides=detail_context(request, page, facility))


def notify_staff(report, request):
    try:
        admin_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("facility_reports:edit", args=[report.pk])
    except NoReverseMatch:
        admin_url = settings.WAGTAILADMIN_BASE_URL
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New report about %(facility)s") % {"facility": report.facility.name}
        body = render_to_string("socialmap/emails/report_staff.txt", {"report": report, "admin_url": admin_url})
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [settings.STAFF_EMAIL])
    except Exception:  # the report is saved; a failing mail server must not cost the resident their message
        logger.exception("could not mail staff about report %s", report.pk)


@csrf_protect
@never_cache
def facility_report(request, page, slug):
    facility = get_facility_or_404(slug)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = FacilityReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not form.is_spam:
            report = form.save(commit=False)
            report.facility = facility
            report.save()
            notify_staff(report, request)
        return redirect(page.url + page.reverse_subpage("report_thanks_route", kwargs={"slug": facility.slug}))
    context = detail_context(request, page, facility, form=form)
    return page.render(request, template="socialmap/facility_report.html", context_overrides=context)


def facility_report_thanks(request, page, slug):
    facility = get_facility_or_404(slug)
    return page.render(request, template="socialmap/facility_report_thanks.html",
                       context_overrides={"facility": facility, "facility_page_url": page.facility_url(facility, request)})
