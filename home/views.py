from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .models import HEX_COLOUR, ThemeSettings


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /documents/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=300, public=True)
def theme_css(request):
    """The municipality's colours as design tokens; a stylesheet, not an inline style, so the CSP stays strict."""
    theme = ThemeSettings.for_request(request)
    # The colour is validated on save; checked again here because it is written into CSS unescaped.
    primary = theme.primary_colour if HEX_COLOUR.match(theme.primary_colour or "") else "#004b87"
    css = loader.render_to_string("home/theme.css", {"theme": theme, "primary": primary})
    return HttpResponse(css, content_type="text/css; charset=utf-8")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without context processors that touch the database: the database may be what failed.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request": request}))
