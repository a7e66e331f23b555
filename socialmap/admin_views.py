"""Staff admin of the social map: snippet viewsets (grouped under "Sociale kaart"), listing filters,
partner scoping, and the import screen (upload, trial run with report, confirm)."""

import uuid
from pathlib import Path

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, UpdatedAtColumn
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Area, Facility, Location, Organisation, OrganisationMembership, TaxonomyTerm
from .permissions import facilities_for_user, user_may_access_facility

# -- Filters -------------------------------------------------------------------------------------------


class FacilityFilterSet(WagtailFilterSet):
    levensdomein = django_filters.ModelMultipleChoiceFilter(
        label=_("Life domain"),
        field_name="terms",
        queryset=TaxonomyTerm.objects.filter(taxonomy="levensdomein"),
        widget=forms.CheckboxSelectMultiple,
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Area or district"),
        queryset=Area.objects.exclude(kind=Area.GEMEENTE).order_by("kind", "name"),
        method="filter_area",
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Facility.STATUSES)
    review_due = django_filters.BooleanFilter(label=_("Check due"), method="filter_review_due")

    class Meta:
        model = Facility
        fields = ["levensdomein", "area", "status", "review_due"]

    def filter_area(self, queryset, name, value):
        if not value:
            return queryset
        areas = value.descendants_and_self()
        return queryset.filter(
            Q(service_at_locations__location__area__in=areas) | Q(areas_served__in=areas)
        ).distinct()

    def filter_review_due(self, queryset, name, value):
        if value is None:
            return queryset
        due = review_due_q()
        return queryset.filter(due) if value else queryset.exclude(due)


def review_due_q(today=None):
    """Facilities whose check is due: never checked, or last_verified + interval <= today.

    Computed per interval value (few distinct values), so it works the same on SQLite and PostgreSQL."""
    today = today or timezone.localdate()
    q = Q(last_verified__isnull=True)
    for days in Facility.objects.values_list("review_interval_days", flat=True).distinct():
        q |= Q(review_interval_days=days, last_verified__lte=today - timezone.timedelta(days=days))
    return q


def facilities_due_for_review(today=None):
    return Facility.objects.filter(review_due_q(today)).exclude(status=Facility.DEFUNCT)


# -- Viewsets ------------------------------------------------------------------------------------------


class FacilityScopeMixin:
    """Every view that loads one facility refuses those outside the partner's organisations."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if isinstance(obj, Facility) and not user_may_access_facility(self.request.user, obj):
            raise PermissionDenied
        return obj


OBJECT_VIEWS = [
    "edit_view_class", "delete_view_class", "usage_view_class", "history_view_class", "inspect_view_class",
    "copy_view_class", "revisions_view_class", "revisions_compare_view_class", "revisions_unschedule_view_class",
    "unpublish_view_class", "preview_on_edit_view_class", "lock_view_class", "unlock_view_class",
    "workflow_action_view_class", "collect_workflow_action_data_view_class", "confirm_workflow_cancellation_view_class",
    "workflow_preview_view_class", "workflow_history_view_class", "workflow_history_detail_view_class",
]


def scoped(name):
    base = getattr(SnippetViewSet, name)
    return type(f"Scoped{base.__name__}", (FacilityScopeMixin, base), {})


class FacilityViewSet(SnippetViewSet):
    model = Facility
    icon = "site"
    menu_label = _("Facilities")
    list_display = [
        "name",
        Column("organisation", label=_("Organisation"), accessor="organisation"),
        Column("status", label=_("Status"), accessor="get_status_display"),
        DateColumn("last_verified", label=_("Last checked"), sort_key="last_verified"),
        DateColumn("review_due_on", label=_("Check due on"), accessor="review_due_on"),
        UpdatedAtColumn(),
    ]
    list_per_page = 50
    filterset_class = FacilityFilterSet
    search_fields = ["name", "description"]
    ordering = ["name"]

    def get_queryset(self, request):
        return facilities_for_user(request.user, Facility.objects.select_related("organisation"))


for _name in OBJECT_VIEWS:
    setattr(FacilityViewSet, _name, scoped(_name))


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    list_display = ["name", "email", "website", UpdatedAtColumn()]
    search_fields = ["name"]


class LocationViewSet(SnippetViewSet):
    model = Location
    icon = "pick"
    menu_label = _("Locations")
    list_display = ["name", "address_1", "postal_code", "city", Column("area", label=_("District or village"), accessor="area")]
    list_filter = ["city"]
    search_fields = ["name", "city", "address_1"]


class TaxonomyTermViewSet(SnippetViewSet):
    model = TaxonomyTerm
    icon = "tag"
    menu_label = _("Taxonomy")
    list_display = ["name", "code", Column("taxonomy", label=_("Taxonomy"), accessor="get_taxonomy_display")]
    list_filter = ["taxonomy"]
    search_fields = ["name", "code"]


class AreaViewSet(SnippetViewSet):
    model = Area
    icon = "globe"
    menu_label = _("Areas")
    list_display = ["name", Column("kind", label=_("Kind"), accessor="get_kind_display"), "cbs_code", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "cbs_code"]


class MembershipViewSet(SnippetViewSet):
    model = OrganisationMembership
    icon = "user"
    menu_label = _("Partner access")
    list_display = ["user", "organisation", "created_at"]
    search_fields = ["user__username", "organisation__name"]


class SocialMapGroup(SnippetViewSetGroup):
    menu_label = _("Social map")
    menu_icon = "site"
    menu_order = 250
    submenu_hook = "register_socialmap_menu_item"
    items = (FacilityViewSet, OrganisationViewSet, LocationViewSet, TaxonomyTermViewSet, AreaViewSet, MembershipViewSet)


# -- Import screen -------------------------------------------------------------------------------------

IMPORT_DIR = "socialmap-imports"
SESSION_KEY = "socialmap_import_files"


def user_may_import(user):
    return user.is_active and (user.is_superuser or (user.has_perm("socialmap.add_facility") and user.has_perm("socialmap.publish_facility")))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("HSDS 3.0 JSON (a list of services) or CSV in the documented layout."),
    )
    skip_invalid = forms.BooleanField(
        label=_("Skip records with errors"),
        required=False,
        help_text=_("Without this, nothing is saved when one record has an error."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".json", ".csv")):
            raise forms.ValidationError(_("Choose a .json or .csv file."))
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


def _import_path(token, kind):
    return Path(settings.PRIVATE_MEDIA_ROOT) / IMPORT_DIR / f"{token}.{kind}"


def run_import(path, kind, dry_run, skip_invalid, user):
    """Run an import of a stored upload; returns (report, errors as strings, summary)."""
    import json

    from . import csvio, hsds

    data = path.read_bytes()
    if kind == "csv":
        report = csvio.import_csv(data, dry_run=dry_run, skip_invalid=skip_invalid, user=user)
    else:
        try:
            records = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return None, [str(_("The file is not valid JSON: %(error)s") % {"error": exc})], ""
        report = hsds.import_services(records, dry_run=dry_run, skip_invalid=skip_invalid, user=user)
    return report, [str(e) for e in report.errors], report.summary()


def import_view(request):
    if not user_may_import(request.user):
        raise PermissionDenied
    context = {"page_title": _("Import facilities"), "header_icon": "upload"}
    stored = request.session.get(SESSION_KEY, {})

    if request.method == "POST" and request.POST.get("confirm"):
        token = request.POST.get("token", "")
        entry = stored.get(token)
        if not entry:
            messages.error(request, _("This import has expired. Upload the file again."))
            return redirect("socialmap_import")
        path = _import_path(token, entry["kind"])
        if not path.exists():
            messages.error(request, _("This import has expired. Upload the file again."))
            return redirect("socialmap_import")
        report, errors, summary = run_import(path, entry["kind"], False, entry["skip_invalid"], request.user)
        path.unlink(missing_ok=True)
        stored.pop(token, None)
        request.session[SESSION_KEY] = stored
        context.update(form=ImportForm(), errors=errors, summary=summary, done=True, written=bool(report and report.written))
        if report and report.written:
            messages.success(request, summary)
        return TemplateResponse(request, "socialmap/admin/import.html", context)

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = "csv" if upload.name.lower().endswith(".csv") else "json"
        token = uuid.uuid4().hex
        path = _import_path(token, kind)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        report, errors, summary = run_import(path, kind, True, form.cleaned_data["skip_invalid"], request.user)
        can_confirm = report is not None and (not errors or form.cleaned_data["skip_invalid"]) and report_has_valid(report)
        if can_confirm:
            stored[token] = {"kind": kind, "skip_invalid": form.cleaned_data["skip_invalid"], "name": upload.name}
            request.session[SESSION_KEY] = stored
        else:
            path.unlink(missing_ok=True)
        context.update(form=form, errors=errors, summary=summary, token=token if can_confirm else "", checked=True, file_name=upload.name)
        return TemplateResponse(request, "socialmap/admin/import.html", context)

    context["form"] = form
    context["docs_hint"] = True
    return TemplateResponse(request, "socialmap/admin/import.html", context)


def report_has_valid(report):
    hsds_report = getattr(report, "hsds_report", report)
    if hsds_report is None:
        return False
    return len(hsds_report.new_ids) + len(hsds_report.existing_ids) > 0


def import_url():
    return reverse("socialmap_import")
