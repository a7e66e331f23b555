"""Search: staff-edited synonyms, the denormalised facility search documents with their vocabulary, and
the anonymous weekly query log."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Synonym(index.Indexed, models.Model):
    """A term and the words residents or providers use for the same thing; every backend applies them."""

    term = models.CharField(_("term"), max_length=100, unique=True, help_text=_("For example: thuiszorg."))
    equivalents = models.TextField(
        _("means the same as"),
        help_text=_("One word or phrase per line (or separated by commas), for example: wijkverpleging."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    panels = [FieldPanel("term"), FieldPanel("equivalents")]
    search_fields = [index.SearchField("term"), index.AutocompleteField("term"), index.SearchField("equivalents")]

    class Meta:
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")
        ordering = ["term"]

    def __str__(self):
        return self.term

    def equivalent_list(self):
        import re

        return [p.strip() for p in re.split(r"[\n,;]+", self.equivalents or "") if p.strip()]

    def group(self):
        """The term and its equivalents: all mean the same."""
        return [self.term.strip()] + [e for e in self.equivalent_list() if e.lower() != self.term.strip().lower()]


class FacilitySearchDocument(models.Model):
    """What the search indexes for one live facility: analysed tokens (stems, compound parts) per field.

    Kept current by signals (search.indexing) and rebuilt by `manage.py reindex_facilities`. On SQLite an
    FTS5 table mirrors it; on PostgreSQL a generated, GIN-indexed tsvector column (migration 0002).
    """

    facility = models.OneToOneField("socialmap.Facility", on_delete=models.CASCADE, related_name="search_document")
    name = models.TextField(blank=True)
    organisation = models.TextField(blank=True)
    terms = models.TextField(blank=True)
    description = models.TextField(blank=True)
    extra = models.TextField(blank=True)  # eligibility, application, costs
    parts = models.TextField(blank=True)  # parts of compound words found in all fields (weighs less)
    places = models.TextField(blank=True)  # location names, cities, wijk/dorp and gebied names
    place_keys = models.TextField(blank=True)  # normalised area and city names, one per line (location boost)
    # What the filters, facet counts and distances need, copied from the facility's relations so the search
    # reads one row per match instead of joining four tables (PostgreSQL turns them into indexed arrays,
    # migration 0006). Space-separated: taxonomy term ids; area ids of its locations; ids of the areas it
    # serves; latitude and longitude of each located location.
    term_keys = models.TextField(blank=True, default="")
    location_area_keys = models.TextField(blank=True, default="")
    served_area_keys = models.TextField(blank=True, default="")
    points = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("facility search document")
        verbose_name_plural = _("facility search documents")


class SearchTerm(models.Model):
    """The vocabulary of the indexed texts: normalised words with their document frequency.

    Used for typo tolerance, decompounding, "Did you mean" and autocomplete.
    """

    word = models.CharField(max_length=100, unique=True)
    doc_freq = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")


class SearchQuery(models.Model):
    """How often a normalised query was searched in a week, and how often it found nothing.

    Aggregates only: no IP address, user, session, time of day or other personal data.
    """

    SITE = "site"
    SOCIALMAP = "socialmap"
    SOURCES = [(SITE, _("site search")), (SOCIALMAP, _("social map"))]

    query = models.CharField(_("search query"), max_length=200)
    week = models.DateField(_("week (Monday)"))
    source = models.CharField(_("where"), max_length=20, choices=SOURCES, default=SITE)
    count = models.PositiveIntegerField(_("searches"), default=0)
    zero_result_count = models.PositiveIntegerField(_("searches without results"), default=0)

    class Meta:
        verbose_name = _("search query")
        verbose_name_plural = _("search queries")
        ordering = ["-week", "-count"]
        constraints = [models.UniqueConstraint(fields=["query", "week", "source"], name="unique_query_week_source")]

    def __str__(self):
        return self.query
