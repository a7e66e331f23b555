"""Area pages: one per gebied (and per wijk or dorp where staff want one), with the area profile in
figures and stories, the maatschappelijke agenda, the area team, and what the site already knows about
the area: facilities from the social map with a map of the boundary, funded initiatives, events and news."""

from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import ContentStreamBlock
from .community import (
    area_boundary_geojson,
    area_facility_filters,
    facilities_in_area,
    funded_initiatives_in_area,
    get_model_or_none,
)
from .models import BasePage
from .restrictions import public_pages_q


class FigureRowBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Label"), max_length=100)
    value = blocks.DecimalBlock(label=_("Value"), min_value=0, decimal_places=2, max_digits=14)


class FigureTableBlock(blocks.StructBlock):
    """A table of figures staff edit, shown as a bar chart with the table beside it."""

    title = blocks.CharBlock(label=_("Title"), max_length=150, help_text=_("For example: Inhabitants by age group."))
    unit = blocks.CharBlock(label=_("Unit"), max_length=40, required=False, help_text=_("For example: people, %."))
    source = blocks.CharBlock(label=_("Source"), max_length=200, required=False)
    rows = blocks.ListBlock(FigureRowBlock(), label=_("Rows"), min_num=1)

    class Meta:
        icon = "table"
        label = _("Figures")
        template = "home/community/blocks/figure_table.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["bars"] = chart_bars(value["rows"])
        return context


def chart_bars(rows, width=100):
    """Bar lengths in percent of the largest value (0..width), for the SVG chart; values stay as entered."""
    values = [Decimal(row["value"] or 0) for row in rows]
    top = max(values, default=Decimal(0))
    bars = []
    for index_, (row, value) in enumerate(zip(rows, values)):
        percent = float(value / top * width) if top > 0 else 0.0
        bars.append({"label": row["label"], "value": value, "percent": round(percent, 1), "y": index_ * 36})
    return bars


class AgendaActionBlock(blocks.StructBlock):
    PLANNED, ONGOING, DONE, PAUSED = "planned", "ongoing", "done", "paused"
    action = blocks.CharBlock(label=_("Action"), max_length=250)
    status = blocks.ChoiceBlock(
        label=_("Status"),
        choices=[(PLANNED, _("planned")), (ONGOING, _("in progress")), (DONE, _("done")), (PAUSED, _("on hold"))],
        default=PLANNED,
    )
    owner = blocks.CharBlock(label=_("Who does it"), max_length=150, required=False)


class AgendaGoalBlock(blocks.StructBlock):
    goal = blocks.CharBlock(label=_("Goal"), max_length=250)
    description = blocks.TextBlock(label=_("Explanation"), required=False)
    actions = blocks.ListBlock(AgendaActionBlock(), label=_("Actions"))

    class Meta:
        icon = "tasks"
        label = _("Goal with actions")
        template = "home/community/blocks/agenda_goal.html"


class TeamMemberBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"), max_length=150)
    role = blocks.CharBlock(label=_("Role"), max_length=150, help_text=_("For example: wijkcoach, wijkagent."))
    organisation = blocks.CharBlock(label=_("Organisation"), max_length=150, required=False)
    phone = blocks.CharBlock(label=_("Phone"), max_length=40, required=False)
    email = blocks.EmailBlock(label=_("Email"), required=False)

    class Meta:
        icon = "user"
        label = _("Team member")
        template = "home/community/blocks/team_member.html"


class AreaIndexPage(BasePage):
    """The overview of the areas (gebieden)."""

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types = ["home.AreaPage"]

    class Meta:
        verbose_name = _("areas overview")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["areas"] = self.get_children().live().public().specific()
        return context


class AreaPage(BasePage):
    area = models.ForeignKey(
        "socialmap.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="area_pages",
        help_text=_("The gebied, wijk or dorp from the social map this page is about."),
    )
    figures = StreamField([("figures", FigureTableBlock())], verbose_name=_("area in figures"), blank=True)
    stories = StreamField(ContentStreamBlock(), verbose_name=_("stories"), blank=True)
    agenda = StreamField([("goal", AgendaGoalBlock())], verbose_name=_("maatschappelijke agenda"), blank=True)
    team = StreamField([("member", TeamMemberBlock())], verbose_name=_("area team"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("area"),
        FieldPanel("introduction"),
        FieldPanel("figures"),
        FieldPanel("stories"),
        FieldPanel("agenda"),
        FieldPanel("team"),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("stories"), index.SearchField("agenda")]
    parent_page_types = ["home.AreaIndexPage", "home.AreaPage"]
    subpage_types = ["home.AreaPage", "home.NewsIndexPage", "home.EventIndexPage", "home.ContentPage"]

    class Meta:
        verbose_name = _("area page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(area_page_content(self, request=request))
        return context


def area_page_content(page, facility_limit=None, request=None):
    """What an area page shows without extra editing."""
    from .events import upcoming_events
    from .news import news_items

    area = page.area
    hits = facilities_in_area(area, facility_limit)
    social_map = social_map_page()
    for hit in hits:
        hit.url = social_map.facility_url(hit.facility, request) if social_map else ""
    # One view-restrictions query for every listing below, and one query for the children (the news and
    # event index links and the sub-areas need only titles and URLs).
    public = public_pages_q()
    children = list(page.get_children().live().filter(public))
    child_types = ContentType.objects.get_for_models(_news_index_model(), _event_index_model(), AreaPage)

    def children_of(model):
        return [child for child in children if child.content_type_id == child_types[model].pk]

    filters = area_facility_filters(area) or {}
    return {
        "social_map_page": social_map,
        "social_map_query": urlencode(filters, doseq=True),
        "facility_hits": hits,
        "facility_points": [
            {"name": h.facility.name, "lat": h.location.latitude, "lng": h.location.longitude}
            for h in hits
            if h.location is not None and h.location.latitude is not None and h.location.longitude is not None
        ],
        "map_tiles_url": getattr(settings, "MAP_TILES_URL", ""),
        "map_attribution": getattr(settings, "MAP_ATTRIBUTION", ""),
        "boundary": area_boundary_geojson(area),
        "initiatives": funded_initiatives_in_area(area),
        "area_events": upcoming_events(area=area, limit=5, public=public),
        "area_news": news_items(area=area, limit=5, public=public),
        "news_index": next(iter(children_of(_news_index_model())), None),
        "event_index": next(iter(children_of(_event_index_model())), None),
        "sub_areas": children_of(AreaPage),
    }


def social_map_page():
    """The live social-map page, when the social map app provides one (looked up lazily)."""
    model = get_model_or_none("socialmap", "SocialMapPage")
    return model.objects.live().first() if model is not None else None


def _news_index_model():
    from .news import NewsIndexPage

    return NewsIndexPage


def _event_index_model():
    from .events import EventIndexPage

    return EventIndexPage
