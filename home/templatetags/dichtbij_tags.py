from django import template
from wagtail.models import Site

from home.services import breadcrumbs, main_navigation

register = template.Library()


def _site_root(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site.root_page.specific if site else None


@register.inclusion_tag("includes/main_navigation.html", takes_context=True)
def main_menu(context):
    root = _site_root(context)
    current = context.get("page")
    request = context.get("request")
    items = []
    for item in main_navigation(root, request):
        active = bool(current and (current.pk == item.pk or current.is_descendant_of(item)))
        # Pages on non-page views (search, application forms) match by URL prefix.
        if not current and request:
            url = item.get_url(request) or ""
            active = bool(url and url != "/" and request.path.startswith(url))
        items.append({"page": item, "url": item.get_url(request), "active": active, "current": bool(current and current.pk == item.pk)})
    return {"items": items, "request": request}


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumb_trail(context, extra_title=None):
    """Breadcrumbs for the current page; extra_title adds a last crumb for routed sub-views (a facility, a step)."""
    root = _site_root(context)
    page = context.get("page") or context.get("self")
    trail = breadcrumbs(page, root) if page else ([root] if root else [])
    return {"trail": trail, "extra_title": extra_title, "request": context.get("request")}


@register.simple_tag(takes_context=True)
def site_root_url(context):
    root = _site_root(context)
    return root.get_url(context.get("request")) if root else "/"


@register.simple_tag(takes_context=True)
def absolute_url(context, url=None):
    request = context["request"]
    return request.build_absolute_uri(url or request.path)
