"""Builders for the community pages, created through the page tree as Wagtail requires."""

from datetime import timedelta

from django.utils import timezone

from tests.factories import add_page


def make_news_index(parent, slug="nieuws", **kwargs):
    from home.news import NewsIndexPage

    defaults = {"title": "Nieuws", "slug": slug}
    defaults.update(kwargs)
    return add_page(parent, NewsIndexPage(**defaults))


def make_news(index, slug, publish=True, **kwargs):
    from home.news import NewsPage

    defaults = {"title": slug.replace("-", " ").capitalize(), "slug": slug, "introduction": "Kort nieuws.", "body": [("paragraph", "<p>Tekst.</p>")]}
    defaults.update(kwargs)
    return add_page(index, NewsPage(live=publish, **defaults), publish=publish)


def make_event_index(parent, slug="activiteiten", **kwargs):
    from home.events import EventIndexPage

    defaults = {"title": "Activiteiten", "slug": slug}
    defaults.update(kwargs)
    return add_page(parent, EventIndexPage(**defaults))


def make_event(index, slug, days_ahead=7, publish=True, **kwargs):
    from home.events import EventPage

    start = timezone.now().replace(microsecond=0) + timedelta(days=days_ahead)
    defaults = {
        "title": slug.replace("-", " ").capitalize(),
        "slug": slug,
        "start": start,
        "end": start + timedelta(hours=2),
        "address": "Dorpshuis\nHoofdstraat 1\n7800 AA Emmen",
        "introduction": "Een bijeenkomst.",
    }
    defaults.update(kwargs)
    return add_page(index, EventPage(live=publish, **defaults), publish=publish)


def make_area_index(parent):
    from home.areas import AreaIndexPage

    return add_page(parent, AreaIndexPage(title="Gebieden", slug="gebieden"))


def make_area_page(parent, area, **kwargs):
    from home.areas import AreaPage

    defaults = {"title": area.name, "slug": area.slug, "area": area}
    defaults.update(kwargs)
    return add_page(parent, AreaPage(**defaults))


def make_newsletter_page(parent):
    from home.newsletter import NewsletterPage

    return add_page(parent, NewsletterPage(title="Nieuwsbrief", slug="nieuwsbrief"))
