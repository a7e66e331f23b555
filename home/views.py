from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
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


def safe_next_url(request, url):
    """url when it stays on this site, else the home page (no open redirects)."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return "/"


@require_GET
def switch_language(request, code):
    """The header's language links: remember the choice in the language cookie and go back.

    A link rather than a POST form: a form needs a CSRF token, and a token in the header of every page
    would keep every page out of the full-page cache. Choosing the interface language changes nothing
    but that cookie, so a forged request can do no harm; the next URL must stay on the site.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    response = HttpResponseRedirect(safe_next_url(request, request.GET.get("next")))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    response["Cache-Control"] = "no-store"
    return response


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without context processors that touch the database: the database may be what failed.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request": request}))
