"""Load the home app's demo content: site root, theme, information pages, statements, contact form.

Idempotent: pages are found by slug and left alone when they exist, so a second run changes nothing.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

from . import demo_content as c
from .models import ContentPage, FormField, FormPage, HomePage, ThemeSettings


def get_or_create_home():
    home = HomePage.objects.first()
    if home:
        return home, False
    root = Page.get_first_root_node()
    site = Site.objects.filter(is_default_site=True).first()
    # Wagtail's 'Welcome' placeholder (a plain Page) gives way to our home page.
    placeholder = root.get_children().filter(slug="home").first()
    if placeholder and placeholder.specific_class is Page and not placeholder.get_children().exists():
        if site and site.root_page_id == placeholder.pk:
            site.root_page = root
            site.save()
        placeholder.delete()
    home = HomePage(title=c.HOME["title"], slug="home", introduction=c.HOME["introduction"], search_label=c.HOME["search_label"])
    root.add_child(instance=home)
    home.save_revision().publish()
    host, port = _site_host_and_port()
    if site:
        site.hostname, site.port = host, port
        site.root_page = home
        site.site_name = "Dichtbij Emmen"
        site.save()
    else:
        Site.objects.create(hostname=host, port=port, root_page=home, is_default_site=True, site_name="Dichtbij Emmen")
    return home, True


def _site_host_and_port():
    """The demo site answers where BASE_URL says, so canonical URLs and sitemaps point at the running server."""
    parsed = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    return parsed.hostname or "localhost", parsed.port or (443 if parsed.scheme == "https" else 80)


def add_content_page(parent, slug, title, introduction, body, show_in_menus=False):
    existing = parent.get_children().filter(slug=slug).first()
    if existing:
        return existing.specific, False
    page = ContentPage(title=title, slug=slug, introduction=introduction, body=body, show_in_menus=show_in_menus)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def add_contact_form(parent):
    existing = parent.get_children().filter(slug=c.CONTACT_FORM["slug"]).first()
    if existing:
        return existing.specific, False
    page = FormPage(
        title=c.CONTACT_FORM["title"],
        slug=c.CONTACT_FORM["slug"],
        introduction=c.CONTACT_FORM["introduction"],
        thank_you_text=c.CONTACT_FORM["thank_you_text"],
        subject="Bericht via het contactformulier van Dichtbij",
        from_address="noreply@dichtbij.example",
    )
    for order, (label, field_type, required, help_text) in enumerate(c.CONTACT_FORM["fields"]):
        page.form_fields.add(FormField(sort_order=order, label=label, field_type=field_type, required=required, help_text=help_text))
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


@transaction.atomic
def load(stdout=None):
    created = 0
    home, made = get_or_create_home()
    created += made
    pages = {}
    for slug, title, intro, body, in_menu in c.INFO_PAGES + [c.PRIVACY, c.ACCESSIBILITY]:
        page, made = add_content_page(home, slug, title, intro, body, in_menu)
        pages[slug] = page
        created += made
    contact_page, made = add_contact_form(home)
    created += made

    if not home.top_tasks:
        tasks = []
        for title, description, slug in c.TOP_TASKS:
            target = Page.objects.filter(slug=slug).first()
            tasks.append(("task", {"title": title, "description": description, "page": target, "url": "" if target else f"/{slug}/"}))
        home.top_tasks = tasks
        home.save_revision().publish()

    site = Site.objects.get(root_page=home)
    theme = ThemeSettings.for_site(site)
    if not theme.privacy_page_id:
        theme.municipality_name = "Gemeente Emmen"
        theme.contact_phone = "14 0591"
        theme.contact_email = "info@emmen.nl"
        theme.contact_address = "Stadskantoor\nNoorderplein 1\n7811 AX Emmen"
        theme.privacy_page = pages["privacyverklaring"]
        theme.accessibility_page = pages["toegankelijkheidsverklaring"]
        theme.contact_page = contact_page
        theme.save()
    if stdout:
        stdout.write(f"home: {created} pages created")
    return home


def load_community(home, stdout=None):
    """News, events, newsletter, area pages and partners (issue 6); called by load_demo after the other apps."""
    from . import demo_community

    demo_community.load(home, stdout=stdout)
