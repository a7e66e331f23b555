"""Editorial pages (home, content, contact form) and the site-wide settings that theme the site."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import RICH_TEXT_FEATURES, ContentStreamBlock, TopTaskBlock
from .restrictions import OneQueryViewRestrictionsMixin

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def relative_luminance(hex_colour):
    """WCAG 2.1 relative luminance of a #rrggbb colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(colour_a, colour_b):
    la, lb = sorted((relative_luminance(colour_a), relative_luminance(colour_b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def validate_theme_colour(value):
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(_("Enter a colour as #rrggbb, for example #004b87."))
    if contrast_ratio(value, "#ffffff") < 4.5:
        raise ValidationError(
            _("This colour is too light: white text on it must have a contrast of at least 4.5:1 (WCAG AA).")
        )


@register_setting(icon="site")
class ThemeSettings(BaseSiteSetting):
    """What makes the site this municipality's: name, logo, colour and the contact details in the footer."""

    municipality_name = models.CharField(_("municipality name"), max_length=100, default="Gemeente Emmen")
    logo = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("logo"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logo_alt = models.CharField(_("logo alternative text"), max_length=150, blank=True)
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default="#004b87",
        validators=[validate_theme_colour],
        help_text=_("Used for buttons, links and the header. White text on it must stay readable."),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True, default="14 0591")
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_address = models.TextField(_("contact address"), blank=True)
    contact_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("contact page"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("privacy statement"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("accessibility statement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Every page shows the logo and the footer links: fetch them with the settings (one query instead of four).
    select_related = ["logo", "contact_page", "privacy_page", "accessibility_page"]
    # Of the footer's pages only what a link needs ({% pageurl %}: the URL path), not the 29 columns of
    # each: on every page, the columns cost more to select and to turn into objects than the query to run.
    linked_page_fields = ("id", "path", "depth", "url_path", "title", "content_type_id", "live")

    @classmethod
    def base_queryset(cls):
        own = [field.attname for field in cls._meta.concrete_fields]
        logo = [f"logo__{field.attname}" for field in cls._meta.get_field("logo").related_model._meta.concrete_fields]
        pages = [f"{name}__{field}" for name in ("contact_page", "privacy_page", "accessibility_page") for field in cls.linked_page_fields]
        return super().base_queryset().only(*own, *logo, *pages)

    panels = [
        MultiFieldPanel(
            [FieldPanel("municipality_name"), FieldPanel("logo"), FieldPanel("logo_alt"), FieldPanel("primary_colour")],
            heading=_("Look"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_phone"), FieldPanel("contact_email"), FieldPanel("contact_address"), FieldPanel("contact_page")],
            heading=_("Contact"),
        ),
        MultiFieldPanel([FieldPanel("privacy_page"), FieldPanel("accessibility_page")], heading=_("Statements")),
    ]

    class Meta:
        verbose_name = _("theme and contact")


class BasePage(OneQueryViewRestrictionsMixin, Page):
    """Fields every public page shares: a short introduction for listings and search."""

    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("One or two sentences in plain language (B1).")
    )

    search_fields = Page.search_fields + [index.SearchField("introduction", boost=2)]

    class Meta:
        abstract = True

    def get_meta_description(self):
        return self.search_description or self.introduction

    # What routing reads of a child before it fetches the child's specific page (which loads every column).
    route_child_fields = ("id", "path", "depth", "numchild", "content_type_id", "live", "slug", "url_path", "title", "locale_id", "translation_key")

    def route(self, request, path_components):
        """Wagtail's Page.route, with the child looked up by slug in a narrow query.

        Wagtail loads every column of the child as a plain Page and then again, with its own fields, as its
        specific page: the first copy only serves to find the second. Same result, same number of queries."""
        if not path_components:
            return super().route(request, path_components)
        try:
            subpage = self.get_children().only(*self.route_child_fields).get(slug=path_components[0])
        except self.base_page_model.DoesNotExist as error:
            raise Http404 from error
        subpage._cached_parent_obj = self  # treebeard's get_parent() uses it
        specific = subpage.specific
        if specific is subpage:  # its model is gone: Wagtail's behaviour, with every field
            specific = self.get_children().get(pk=subpage.pk)
            specific._cached_parent_obj = self
        return specific.route(request, path_components[1:])


class HomePage(BasePage):
    search_label = models.CharField(
        _("search box label"), max_length=150, default="Waar zoekt u hulp bij?"
    )
    top_tasks = StreamField([("task", TopTaskBlock())], verbose_name=_("top tasks"), blank=True)
    body = StreamField(ContentStreamBlock(), verbose_name=_("content"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("search_label"),
        FieldPanel("top_tasks"),
        FieldPanel("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from .services import home_page_highlights

        context = super().get_context(request, *args, **kwargs)
        context.update(home_page_highlights(self, request))
        return context


class ContentPage(BasePage):
    body = StreamField(ContentStreamBlock(), verbose_name=_("content"), blank=True)

    search_fields = BasePage.search_fields + [index.SearchField("body")]
    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]

    parent_page_types = ["home.HomePage", "home.ContentPage"]

    class Meta:
        verbose_name = _("content page")


class FormField(AbstractFormField):
    page = ParentalKey("FormPage", on_delete=models.CASCADE, related_name="form_fields")


class FormPage(AbstractEmailForm):
    """A contact form: submissions are stored in Wagtail and mailed to staff."""

    introduction = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    thank_you_text = RichTextField(_("thank-you text"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("introduction"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("Email"),
        ),
    ]
    search_fields = AbstractEmailForm.search_fields + [index.SearchField("introduction")]

    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("form page")

    def get_meta_description(self):
        return self.search_description

    def get_form(self, *args, **kwargs):
        from .forms import apply_nlds_classes

        return apply_nlds_classes(super().get_form(*args, **kwargs))

    def save(self, *args, **kwargs):
        if not self.to_address:
            self.to_address = settings.STAFF_EMAIL
        super().save(*args, **kwargs)

# Community pages live in their own modules (issue 6); imported here so Django finds the models.
from .news import NewsIndexPage, NewsPage  # noqa: E402,F401
from .events import EventIndexPage, EventPage, EventRegistration  # noqa: E402,F401
from .areas import AreaIndexPage, AreaPage  # noqa: E402,F401
from .newsletter import NewsletterDelivery, NewsletterIssue, NewsletterPage, NewsletterSubscriber  # noqa: E402,F401
