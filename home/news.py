"""News: a news index (listing, pagination, RSS) and news pages, optionally tied to an area and an organisation."""

from django.contrib.syndication.views import Feed
from django.db import models
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import ContentStreamBlock
from .community import paginate
from .models import BasePage


def area_of_section(page):
    """The area of the area page a page is placed under (a partner's section), if any."""
    from .areas import AreaPage

    if not page.path:
        return None
    section = AreaPage.objects.filter(path__in=[page.path[:i] for i in range(page.steplen, len(page.path), page.steplen)]).order_by("-depth").first()
    return section.area if section else None


def news_items(index_page=None, area=None, limit=None, public=None):
    """Live news pages, newest first: below an index page (or site-wide), optionally in an area (and its wijken).

    `public` is a Q from home.restrictions.public_pages_q() when a caller shares one between listings."""
    qs = NewsPage.objects.live().select_related("area", "image", "organisation")
    qs = qs.filter(public) if public is not None else qs.public()
    if index_page is not None and not getattr(index_page, "show_all_news", False):
        qs = qs.descendant_of(index_page)
    if area is not None:
        area_ids = area.descendants_and_self().values_list("pk", flat=True)
        qs = qs.filter(area__in=area_ids)
    qs = qs.order_by("-date", "-first_published_at")
    return list(qs[:limit]) if limit else qs


class NewsIndexPage(RoutablePageMixin, BasePage):
    show_all_news = models.BooleanField(
        _("show all news of the site"),
        default=False,
        help_text=_("On: the list shows news from every section, such as the area pages. Off: only the news below this page."),
    )
    per_page = models.PositiveSmallIntegerField(_("items per page"), default=10)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldRowPanel([FieldPanel("show_all_news"), FieldPanel("per_page")])]

    parent_page_types = ["home.HomePage", "home.ContentPage", "home.AreaPage"]
    subpage_types = ["home.NewsPage"]

    class Meta:
        verbose_name = _("news overview")

    def get_items(self):
        return news_items(self)

    @path("")
    def index_route(self, request):
        page_obj = paginate(request, self.get_items(), self.per_page or 10)
        return self.render(request, context_overrides={"items": page_obj, "page_obj": page_obj})

    @path("rss/", name="rss")
    def rss(self, request):
        return NewsFeed(self)(request)


class NewsPage(BasePage):
    date = models.DateField(_("date"), default=timezone.localdate)
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    image_alt = models.CharField(
        _("alternative text of the image"),
        max_length=250,
        blank=True,
        help_text=_("Describe what the image shows for people who cannot see it. Leave empty only for a decorative image."),
    )
    body = StreamField(ContentStreamBlock(), verbose_name=_("content"), blank=True)
    area = models.ForeignKey(
        "socialmap.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.SET_NULL, related_name="news_pages"
    )
    organisation = models.ForeignKey(
        "socialmap.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_pages",
    )
    featured = models.BooleanField(_("show on the home page"), default=False)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("featured")]),
        FieldPanel("introduction"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("area"), FieldPanel("organisation")], heading=_("Where and who")),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("body"), index.FilterField("date")]

    parent_page_types = ["home.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")

    def save(self, *args, **kwargs):
        if self.area_id is None:
            self.area = area_of_section(self)
        super().save(*args, **kwargs)


class NewsFeed(Feed):
    """RSS 2.0 of a news index: the same items as its listing, so nothing unpublished ever appears."""

    feed_type = Rss201rev2Feed

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.index_page.title

    def link(self):
        return self.index_page.get_url(self.request) or "/"

    def description(self):
        return self.index_page.introduction or str(_("News"))

    def items(self):
        return news_items(self.index_page, limit=20)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.introduction

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        return timezone.make_aware(timezone.datetime.combine(item.date, timezone.datetime.min.time()))

    def item_updateddate(self, item):
        return item.last_published_at
