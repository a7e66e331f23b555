"""The social map: organisations (aanbieders), facilities (voorzieningen, HSDS 'service'), locations, the
link between them (HSDS 'service_at_location'), taxonomy terms and areas.

Identifiers are UUIDs so HSDS ids survive import and export unchanged. Organisations, locations and
facilities are Wagtail snippets with drafts, revisions, preview, locking and workflows: the public side
only ever shows live objects.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from .forms import FacilityAdminForm
from .location_widget import LocationMapPanel

# -- Taxonomy ------------------------------------------------------------------------------------------

LEVENSDOMEIN = "levensdomein"
DOELGROEP = "doelgroep"
TOEGANG = "toegang"
KOSTEN = "kosten"
TAXONOMIES = [
    (LEVENSDOMEIN, _("Life domain")),
    (DOELGROEP, _("Target group")),
    (TOEGANG, _("Access")),
    (KOSTEN, _("Costs")),
]


class TaxonomyTerm(models.Model):
    """A term in one of the four taxonomies; the codes are those of DESIGN.md and appear in URLs and HSDS."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.CharField(_("taxonomy"), max_length=20, choices=TAXONOMIES)
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("taxonomy"), FieldPanel("code"), FieldPanel("name"), FieldPanel("description"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="unique_taxonomy_code")]

    def __str__(self):
        return self.name


# -- Areas ---------------------------------------------------------------------------------------------


class Area(models.Model):
    """An area in a tree: gemeente > gebied > wijk or dorp. Wijken carry their CBS code and boundary."""

    GEMEENTE = "gemeente"
    GEBIED = "gebied"
    WIJK = "wijk"
    DORP = "dorp"
    KINDS = [(GEMEENTE, _("municipality")), (GEBIED, _("area")), (WIJK, _("district")), (DORP, _("village"))]
    MAX_DEPTH = 4  # levels, the gemeente included

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=KINDS)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    cbs_code = models.CharField(_("CBS code"), max_length=12, blank=True, db_index=True, help_text=_("For example WK011444."))
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    latitude = models.FloatField(_("latitude of the centre"), null=True, blank=True)
    longitude = models.FloatField(_("longitude of the centre"), null=True, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("parent")]),
        FieldPanel("cbs_code"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
    ]

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        depth, ancestor, seen = 1, self.parent, {self.pk}
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("An area cannot be part of itself.")})
            seen.add(ancestor.pk)
            depth, ancestor = depth + 1, ancestor.parent
        if depth > self.MAX_DEPTH:
            raise ValidationError({"parent": _("Areas go at most four levels deep (for example gemeente, gebied, wijk).")})

    def descendants_and_self(self):
        """All areas at or below this one, as one lazy query (a subquery where a filter uses it).

        The tree is shallow (gemeente > gebied > wijk or dorp; clean() allows one level more), so a join per
        level costs less than walking the tree with a query per level."""
        q = Q(pk=self.pk)
        lookup = "parent"
        for _level in range(self.MAX_DEPTH - 1):
            q |= Q(**{f"{lookup}_id": self.pk})
            lookup += "__parent"
        return Area.objects.filter(q)


# -- Organisations, locations, facilities --------------------------------------------------------------


class SnippetBase(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, index.Indexed, ClusterableModel):
    """Drafts, revisions, preview, locking and workflows for the social map's snippets."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Organisation(SnippetBase):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("website"), FieldRowPanel([FieldPanel("email"), FieldPanel("phone")])]
    search_fields = [index.SearchField("name", boost=3), index.AutocompleteField("name"), index.SearchField("description")]

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_preview_template(self, request, mode_name):
        return "socialmap/previews/organisation.html"


class Location(SnippetBase):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    address_1 = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("place"), max_length=100, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    area = models.ForeignKey(
        Area, verbose_name=_("district or village"), null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    state_province = models.CharField(_("province"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, default="NL", help_text=_("Two-letter country code."))
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), null=True, blank=True)
    accessibility_note = models.CharField(_("accessibility note"), max_length=300, blank=True)
    transport_note = models.CharField(_("public transport"), max_length=300, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("address_1"),
                FieldRowPanel([FieldPanel("postal_code"), FieldPanel("city")]),
                FieldRowPanel([FieldPanel("state_province"), FieldPanel("country")]),
                FieldPanel("area"),
            ],
            heading=_("Address"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]), LocationMapPanel()],
            heading=_("Position on the map"),
        ),
        MultiFieldPanel(
            [FieldPanel("wheelchair_accessible"), FieldPanel("accessibility_note"), FieldPanel("transport_note")],
            heading=_("Getting there"),
        ),
    ]
    search_fields = [
        index.SearchField("name", boost=2),
        index.AutocompleteField("name"),
        index.SearchField("city"),
        index.SearchField("address_1"),
        index.FilterField("postal_code"),
    ]

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]
        # The map's viewport (bbox) filters on both coordinates; zoomed in, this index finds the few
        # locations inside instead of scanning all of them (socialmap.mapdata).
        indexes = [models.Index(fields=["latitude", "longitude"], name="socialmap_location_position")]

    def __str__(self):
        return f"{self.name}, {self.city}" if self.city else self.name

    @property
    def has_position(self):
        return self.latitude is not None and self.longitude is not None

    def get_preview_template(self, request, mode_name):
        return "socialmap/previews/location.html"


class Facility(SnippetBase):
    """A facility or service (HSDS 'service') offered by an organisation at one or more locations."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    DEFUNCT = "defunct"
    TEMPORARILY_CLOSED = "temporarily closed"
    STATUSES = [
        (ACTIVE, _("active")),
        (INACTIVE, _("inactive")),
        (DEFUNCT, _("stopped")),
        (TEMPORARILY_CLOSED, _("temporarily closed")),
    ]

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="facilities"
    )
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, blank=True)
    description = models.TextField(_("description"), help_text=_("What you can get here, in plain language (B1)."))
    status = models.CharField(_("status"), max_length=20, choices=STATUSES, default=ACTIVE)
    url = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    eligibility_description = models.TextField(_("who is it for"), blank=True)
    fees_description = models.TextField(_("costs"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("Language codes, for example nl, en, ar."))
    terms = ParentalManyToManyField(TaxonomyTerm, verbose_name=_("taxonomy terms"), blank=True, related_name="facilities")
    areas_served = ParentalManyToManyField(Area, verbose_name=_("areas served"), blank=True, related_name="facilities_served")
    last_verified = models.DateField(_("last checked on"), null=True, blank=True)
    review_interval_days = models.PositiveIntegerField(
        _("check every (days)"), default=365, validators=[MinValueValidator(7), MaxValueValidator(3650)]
    )
    review_contact_email = models.EmailField(
        _("email for the periodic check"), blank=True, help_text=_("Who gets the yearly request to confirm or correct this entry.")
    )
    review_requested_at = models.DateTimeField(_("check last requested at"), null=True, blank=True, editable=False)
    # Where the map shows the facility: the position of its first location, kept by socialmap.mapdata
    # (signals and refresh_map_positions) so the map can cluster 100,000 facilities without joining.
    map_latitude = models.FloatField(null=True, blank=True, editable=False)
    map_longitude = models.FloatField(null=True, blank=True, editable=False)
    # The same position as whole Web Mercator pixels at zoom 22 (socialmap.mapdata.WORLD_PX wide), so a
    # map grid cell at any zoom is an integer division of an indexed column (see socialmap.mapdata).
    map_x = models.IntegerField(null=True, blank=True, editable=False)
    map_y = models.IntegerField(null=True, blank=True, editable=False)

    base_form_class = FacilityAdminForm

    panels = [
        FieldPanel("name"),
        FieldPanel("alternate_name"),
        FieldPanel("organisation"),
        FieldPanel("description"),
        FieldPanel("status"),
        MultiFieldPanel([FieldPanel("terms"), FieldPanel("areas_served")], heading=_("Classification")),
        MultiFieldPanel(
            [FieldPanel("url"), FieldPanel("email"), InlinePanel("phones", label=_("Phone numbers"))], heading=_("Contact")
        ),
        InlinePanel("service_at_locations", label=_("Locations and opening hours")),
        MultiFieldPanel(
            [FieldPanel("eligibility_description"), FieldRowPanel([FieldPanel("minimum_age"), FieldPanel("maximum_age")]),
             FieldPanel("fees_description"), FieldPanel("application_process"), FieldPanel("languages")],
            heading=_("Practical"),
        ),
        MultiFieldPanel(
            [FieldPanel("last_verified"), FieldPanel("review_interval_days"), FieldPanel("review_contact_email")],
            heading=_("Keeping it current"),
        ),
        FieldPanel("slug"),
    ]
    search_fields = [
        index.SearchField("name", boost=4),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        index.SearchField("eligibility_description"),
        index.RelatedFields("organisation", [index.SearchField("name")]),
        index.RelatedFields("terms", [index.SearchField("name")]),
        index.FilterField("status"),
        index.FilterField("live"),
    ]

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["map_latitude", "map_longitude"], name="socialmap_facility_mappos"),
            # The map's viewport and grid without filters: an index-only scan of the published, placed
            # facilities (INCLUDE is PostgreSQL's; SQLite gets the partial index without it).
            models.Index(
                fields=["map_x", "map_y"], include=["map_latitude", "map_longitude", "id"], name="socialmap_facility_mappx",
                condition=models.Q(live=True, status="active", map_x__isnull=False),
            ),
            # The public facilities in a MapCell (socialmap.mapdata.map_cell_expressions; 2**14 is MAP_CELL_PX).
            models.Index(
                models.ExpressionWrapper(models.F("map_x") / models.Value(2**14), output_field=models.IntegerField()),
                models.ExpressionWrapper(models.F("map_y") / models.Value(2**14), output_field=models.IntegerField()),
                name="socialmap_facility_mapcell", condition=models.Q(live=True, status="active", map_x__isnull=False),
            ),
            # The public facilities without a map position, counted for the map's total.
            models.Index(fields=["id"], name="socialmap_facility_unplaced", condition=models.Q(live=True, status="active", map_x__isnull=True)),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        from .mapdata import map_cells_of, refresh_map_positions

        # The map square the facility was counted in before (the content saved may be older than that).
        before = map_cells_of([self.pk]) if self.pk and not self._state.adding else set()
        super().save(*args, **kwargs)
        # After the locations (child relations) are saved too: the stored map position may come from an
        # older revision's content, so it is set again from the database.
        refresh_map_positions([self.pk], also_cells=before)

    def _unique_slug(self):
        base = slugify(self.name)[:100] or "voorziening"
        slug, n = base, 2
        while Facility.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    @property
    def review_due_on(self):
        if not self.last_verified:
            return None
        return self.last_verified + timedelta(days=self.review_interval_days)

    @property
    def review_due(self):
        due = self.review_due_on
        return due is None or due <= timezone.localdate()

    def terms_of(self, taxonomy):
        return [t for t in self.terms.all() if t.taxonomy == taxonomy]

    def get_preview_template(self, request, mode_name):
        return "socialmap/previews/facility.html"


class FacilityPhone(Orderable):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    facility = ParentalKey(Facility, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number"), max_length=40)
    description = models.CharField(_("description"), max_length=100, blank=True, help_text=_("For example: only in the morning."))

    panels = [FieldRowPanel([FieldPanel("number"), FieldPanel("description")])]

    def __str__(self):
        return self.number


class OpeningHoursBlock(blocks.StructBlock):
    days = blocks.MultipleChoiceBlock(
        label=_("Days"),
        choices=[
            ("MO", _("Monday")),
            ("TU", _("Tuesday")),
            ("WE", _("Wednesday")),
            ("TH", _("Thursday")),
            ("FR", _("Friday")),
            ("SA", _("Saturday")),
            ("SU", _("Sunday")),
        ],
    )
    opens_at = blocks.TimeBlock(label=_("Opens at"), required=False)
    closes_at = blocks.TimeBlock(label=_("Closes at"), required=False)
    note = blocks.CharBlock(label=_("Note"), required=False, max_length=200)

    class Meta:
        icon = "time"
        label = _("Opening hours")


class ServiceAtLocation(Orderable):
    """Where a facility is offered, with the opening hours at that place (HSDS 'service_at_location')."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    facility = ParentalKey(Facility, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="service_at_locations")
    opening_hours = StreamField([("hours", OpeningHoursBlock())], verbose_name=_("opening hours"), blank=True)
    opening_hours_note = models.CharField(_("about the opening hours"), max_length=300, blank=True)

    panels = [FieldPanel("location"), FieldPanel("opening_hours"), FieldPanel("opening_hours_note")]

    class Meta(Orderable.Meta):
        verbose_name = _("location of the facility")
        verbose_name_plural = _("locations of the facility")
        # A facility's first location (the one the list and map show) without sorting all of them.
        indexes = [models.Index(fields=["facility", "sort_order"], name="socialmap_sal_facility_order")]

    def __str__(self):
        return f"{self.facility} @ {self.location}"


class OrganisationMembership(models.Model):
    """A partner user who keeps the facilities of an organisation current (object-level permission)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    panels = [FieldPanel("user"), FieldPanel("organisation")]

    class Meta:
        verbose_name = _("partner membership")
        verbose_name_plural = _("partner memberships")
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_organisation_membership")]

    def __str__(self):
        return f"{self.user} - {self.organisation}"

# -- The public social-map page ------------------------------------------------------------------------

from wagtail.contrib.routable_page.models import RoutablePageMixin, path  # noqa: E402
from wagtail.models import Page  # noqa: E402
from home.restrictions import OneQueryViewRestrictionsMixin  # noqa: E402


class SocialMapPage(OneQueryViewRestrictionsMixin, RoutablePageMixin, Page):
    """The social map: a searchable list of facilities with facet filters, a map as enhancement, and
    each facility's detail page, error report form and the map's GeoJSON data as routes below it.

    The views are thin: parsing the query lives in socialmap.query, searching in search.facilities,
    clustering in socialmap.clustering and the detail page's data in socialmap.public."""

    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("One or two sentences in plain language (B1).")
    )
    results_per_page = models.PositiveSmallIntegerField(
        _("results per page"), default=10, validators=[MinValueValidator(5), MaxValueValidator(50)]
    )

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("results_per_page")]
    search_fields = Page.search_fields + [index.SearchField("introduction", boost=2)]

    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "socialmap/social_map_page.html"

    class Meta:
        verbose_name = _("social map page")

    def get_meta_description(self):
        return self.search_description or self.introduction

    @path("")
    def index_route(self, request):
        from . import views

        return views.social_map(request, self)

    @path("geojson/")  # Wagtail page URLs cannot contain a dot, so not "kaart.geojson"
    def geojson_route(self, request):
        from . import views

        return views.map_geojson(request, self)

    @path("<slug:slug>/")
    def facility_route(self, request, slug):
        from . import views

        return views.facility_detail(request, self, slug)

    @path("<slug:slug>/meld-een-fout/")
    def report_route(self, request, slug):
        from . import views

        return views.facility_report(request, self, slug)

    @path("<slug:slug>/meld-een-fout/bedankt/")
    def report_thanks_route(self, request, slug):
        from . import views

        return views.facility_report_thanks(request, self, slug)

    def get_view_restrictions(self):
        """Wagtail's view restrictions of this page and its ancestors, in one query instead of two.

        Wagtail first loads the ancestors to resolve aliases, then the restrictions; this page serves every
        facility page and map request, so the ancestors are a subquery here (their paths follow from ours).
        As in Wagtail, an alias ancestor counts with the restrictions of the page it is an alias of."""
        if self.alias_of_id:
            return super().get_view_restrictions()
        from wagtail.models import PageViewRestriction

        steplen = self.steplen
        ancestors = Page.objects.filter(path__in=[self.path[:i] for i in range(steplen, len(self.path), steplen)])
        return PageViewRestriction.objects.filter(
            models.Q(page_id=self.pk)
            | models.Q(page__in=ancestors.filter(alias_of__isnull=True))
            | models.Q(page__in=ancestors.filter(alias_of__isnull=False).values("alias_of"))
        )

    def facility_url(self, facility, request=None):
        return self.get_url(request) + self.reverse_subpage("facility_route", kwargs={"slug": facility.slug})


from .reports import FacilityReport  # noqa: E402,F401


class MapCell(models.Model):
    """Derived data for the map (socialmap.mapdata): per square of MAP_CELL_PX pixels at zoom 22 (cx, cy:
    Facility.map_x/map_y divided by it), the public facilities placed in it, counted and summed, so a
    zoomed-out map without filters adds up a few thousand squares instead of every facility. Kept by
    socialmap.mapdata.refresh_map_positions (facility saves, location changes, imports, bulk generation);
    `refresh_map_cells()` rebuilds it whole. Not edited by anyone."""

    cx = models.IntegerField()
    cy = models.IntegerField()
    count = models.PositiveIntegerField()
    sum_lat = models.FloatField()
    sum_lng = models.FloatField()
    min_lat = models.FloatField()
    max_lat = models.FloatField()
    min_lng = models.FloatField()
    max_lng = models.FloatField()
    px = models.IntegerField()  # the smallest map_x and map_y in it: where its only facility is, when it has one
    py = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cx", "cy"], name="socialmap_mapcell_unique")]

    def __str__(self):
        return f"{self.cx}/{self.cy}: {self.count}"
