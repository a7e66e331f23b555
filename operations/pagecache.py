"""Full-page cache for anonymous visitors, on Django's cache framework.

Why our own middleware and not a library (see docs/performance.md for the longer story):
- wagtail-cache 3.0 requires Wagtail < 8, and keys a page on the session and CSRF cookies only: our
  language lives in its own cookie, so Dutch and English pages would share one entry.
- Django's cache middleware keys on the whole Cookie header (Vary: Cookie), stores pages for logged-in
  users under their session cookie, sends public max-age headers (browsers and proxies would keep a page
  after an editor changed it) and cannot forget pages when content changes.
- Wagtail's frontend cache invalidation purges a CDN or Varnish by URL; a publish changes menus, breadcrumbs
  and listings on many URLs, and there is no CDN here.

What it does:
- Serves a stored copy to anonymous GET/HEAD requests. A request that carries a session or messages cookie
  (a logged-in editor or applicant, or anyone whose session holds something) is neither served from the
  cache nor stored, so no personal page is ever shared and no database query is needed to decide.
- Stores only 200 responses that set no cookie (but the CSRF cookie), are not private/no-cache/no-store, are
  not a preview, and vary on nothing but the cookie and encoding. A page with a POST form is stored with its
  CSRF tokens replaced by a placeholder; each hit puts in a token of that visitor's own secret.
- The key is the full URL (scheme, host, path, query string) plus the interface language (our language
  cookie), under a generation token. Content changes (page publish, unpublish, move, delete; snippets;
  site settings; images, documents; privacy settings) replace the generation after the transaction commits,
  which makes every stored page unreachable at once: menus and listings show on many pages.
- The generation lives in the cache (Redis: shared by every worker and server). Without Redis (pages in files
  on /dev/shm, or in each process's memory) it lives in the modification time of a stamp file
  (PAGE_CACHE_STAMP_FILE), so every worker on the machine sees a publish at once. Entries also expire after PAGE_CACHE_SECONDS (PAGE_CACHE_QUERY_SECONDS
  for URLs with a query string, such as searches and social-map filters): the safety net for changes that
  send no signal (bulk updates, time passing, an initiative that gets funded).
- The Content-Security-Policy, Permissions-Policy and security headers are added by middleware outside this
  one, on hits too; the policy has no nonces, so a stored page stays valid.
- A view can ask for a side effect on every request, hits included (the search query log counts each
  search): run_on_every_request().
"""

import hashlib
import logging
import os
import re
import time
import uuid
from importlib import import_module

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

logger = logging.getLogger(__name__)

HEADER = "X-Page-Cache"
GENERATION_KEY = "page-cache-generation"
# Cookies that mean "this visitor has state on the server": a session (logged in, or a session that holds
# something for an anonymous visitor) or pending flash messages. Their pages are never shared.
MESSAGES_COOKIE = "messages"
# Headers of the stored response that must not be replayed to another visitor.
NOT_STORED_HEADERS = {"set-cookie", HEADER.lower()}
ALLOWED_VARY = {"cookie", "accept-encoding"}
CSRF_MARKER = b"csrfmiddlewaretoken"
# Stands in a stored page for the visitor's own CSRF token, which every hit puts back (see shareable_content).
CSRF_PLACEHOLDER = b"page-cache-csrf-token-placeholder"
# A masked CSRF token: 64 letters and digits (django.middleware.csrf.CSRF_TOKEN_LENGTH) standing alone.
_MASKED_TOKEN_RE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_CSRF_INPUT_VALUE_RE = re.compile(rb'name="csrfmiddlewaretoken"\s+value="([^"]*)"')


def enabled():
    return getattr(settings, "PAGE_CACHE_ENABLED", False)


def page_cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


# --- the generation: replaced when content changes ---------------------------------------------------------


def current_generation(cache=None):
    """The token under which pages are stored now."""
    stamp = getattr(settings, "PAGE_CACHE_STAMP_FILE", None)
    if stamp:
        try:
            return str(os.stat(stamp).st_mtime_ns)
        except FileNotFoundError:
            return "0"
    cache = cache or page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Random, not a counter: if the key is evicted, old entries never become reachable again.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def invalidate():
    """Forget every stored page (they all become unreachable and expire by themselves)."""
    stamp = getattr(settings, "PAGE_CACHE_STAMP_FILE", None)
    try:
        if stamp:
            try:
                previous = os.stat(stamp).st_mtime_ns
            except FileNotFoundError:
                os.makedirs(os.path.dirname(stamp) or ".", exist_ok=True)
                open(stamp, "a").close()
                previous = 0
            now = max(time.time_ns(), previous + 1)
            os.utime(stamp, ns=(now, now))
        else:
            page_cache().set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - an unreachable cache must never break a publish; the TTL still applies
        logger.exception("page cache: could not invalidate")


# --- deciding ------------------------------------------------------------------------------------------------


def request_language(request):
    from home.middleware import chosen_language

    return chosen_language(request)


def request_is_cacheable(request):
    """May this request be answered from (and stored into) the shared page cache?"""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get(MESSAGES_COOKIE):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    path = request.path_info
    if any(path.startswith(prefix) for prefix in getattr(settings, "PAGE_CACHE_EXCLUDED_PATHS", [])):
        return False
    if len(request.META.get("QUERY_STRING", "")) > getattr(settings, "PAGE_CACHE_MAX_QUERY_LENGTH", 300):
        return False
    return True


def response_is_cacheable(request, response):
    """Is this response the same for every anonymous visitor of its URL? Returns (bool, reason)."""
    if response.status_code != 200:
        return False, "status"
    if response.streaming:
        return False, "streaming"
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return False, "sets a cookie"
    if getattr(request, "is_preview", False):
        return False, "preview"
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return False, "user"
    cache_control = {part.strip().split("=")[0].lower() for part in response.get("Cache-Control", "").split(",")}
    if cache_control & {"private", "no-cache", "no-store"}:
        return False, "cache-control"
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    if vary - ALLOWED_VARY:
        return False, "vary"
    if shareable_content(request, response) is None:
        return False, "csrf token"
    return True, ""


def used_csrf(request, response):
    """Did rendering this response ask for the visitor's CSRF token (a POST form in the page)?

    CsrfViewMiddleware, inside this one, has then (re)set the csrftoken cookie on the response.
    """
    return settings.CSRF_COOKIE_NAME in response.cookies or bool(
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_NEEDED")
    )


def shareable_content(request, response):
    """The body to store, with the visitor's CSRF tokens taken out; None when it cannot be shared.

    A page with a POST form (contact form, event sign-up, newsletter) differs between visitors only in the
    CSRF token: a masked copy of the secret in the visitor's csrftoken cookie. Every such token in the body
    is replaced by CSRF_PLACEHOLDER, and each hit puts in a token of that visitor's own secret (and sets the
    cookie when they have none), exactly as rendering the page for them would. Refused (None) when the
    tokens live in the session (CSRF_USE_SESSIONS), when the unmasked secret itself shows in the page, or
    when a csrfmiddlewaretoken field would still hold anything but the placeholder.
    """
    content = response.content
    if not used_csrf(request, response) and CSRF_MARKER not in content:
        return content
    secret = request.META.get("CSRF_COOKIE")
    if not secret or getattr(settings, "CSRF_USE_SESSIONS", False) or secret.encode() in content:
        return None
    if CSRF_PLACEHOLDER in content:
        return None
    try:
        from django.middleware.csrf import _unmask_cipher_token
    except ImportError:  # a future Django: leave form pages out of the cache rather than guess
        return None

    def placeholder(match):
        return CSRF_PLACEHOLDER if _unmask_cipher_token(match.group(0).decode()) == secret else match.group(0)

    stripped = _MASKED_TOKEN_RE.sub(placeholder, content)
    if any(value != CSRF_PLACEHOLDER for value in _CSRF_INPUT_VALUE_RE.findall(stripped)):
        return None
    return stripped


def _fill_in_csrf_token(request, response):
    """Give a stored form page the visitor's own CSRF token, as CsrfViewMiddleware would for a rendered one."""
    from django.middleware.csrf import CsrfViewMiddleware, get_token

    middleware = CsrfViewMiddleware(lambda request: response)
    middleware.process_request(request)  # the secret from the visitor's cookie, or a new one
    token = get_token(request).encode()
    response.content = response.content.replace(CSRF_PLACEHOLDER, token)
    return middleware.process_response(request, response)  # (re)sets the cookie, Vary: Cookie


def cache_key(request, generation):
    """Key of a request: generation, interface language and the full URL. Raises DisallowedHost."""
    url = request.build_absolute_uri()
    digest = hashlib.sha256(f"{request_language(request)}|{url}".encode()).hexdigest()
    return f"page:{generation}:{digest}"


def timeout_for(request, response):
    seconds = (
        settings.PAGE_CACHE_QUERY_SECONDS if request.META.get("QUERY_STRING") else settings.PAGE_CACHE_SECONDS
    )
    for part in response.get("Cache-Control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name.lower() in {"max-age", "s-maxage"} and value.isdigit():
            seconds = min(seconds, int(value))
    return seconds


# --- side effects that must happen on every request -------------------------------------------------------


def run_on_every_request(request, func, *args, **kwargs):
    """Call func now; when this response is stored, call it again on every cache hit.

    For counting side effects, such as the search query log. func must be a module-level function and
    the arguments picklable.
    """
    result = func(*args, **kwargs)
    replays = getattr(request, "_page_cache_replays", None)
    if replays is not None:
        replays.append((func.__module__, func.__qualname__, args, kwargs))
    return result


def _replay(calls):
    for module, name, args, kwargs in calls:
        try:
            getattr(import_module(module), name)(*args, **kwargs)
        except Exception:  # noqa: BLE001 - a counter must not turn a good page into an error
            logger.exception("page cache: replaying %s.%s failed", module, name)


# --- storing and serving -----------------------------------------------------------------------------------


def _freeze(request, response, replays):
    headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_STORED_HEADERS]
    entry = {"status": response.status_code, "headers": headers, "content": shareable_content(request, response),
             "replays": replays}
    if used_csrf(request, response) or CSRF_PLACEHOLDER in entry["content"]:
        entry["csrf"] = True
    return entry


def _thaw(request, entry):
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    if entry.get("csrf"):
        response = _fill_in_csrf_token(request, response)
    response[HEADER] = "hit"
    return response


class PageCacheMiddleware:
    """Place after the security, CSP and static-file middleware, before sessions: a hit skips the rest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled():
            return self.get_response(request)
        if not request_is_cacheable(request):
            response = self.get_response(request)
            response[HEADER] = "skip"
            return response
        cache = page_cache()
        try:
            key = cache_key(request, current_generation(cache))
            entry = cache.get(key)
        except DisallowedHost:
            return self.get_response(request)  # the inner middleware answers 400
        except Exception:  # noqa: BLE001 - the cache server being down must not take the site down
            logger.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)
        if entry is not None:
            _replay(entry.get("replays") or [])
            return _thaw(request, entry)

        request._page_cache_replays = []
        response = self.get_response(request)
        cacheable, _reason = response_is_cacheable(request, response)
        if cacheable and request.method != "GET":
            # A HEAD is answered from the cache but never fills it: its body is not guaranteed to be complete.
            cacheable = False
        if not cacheable:
            response[HEADER] = "skip"
            return response
        try:
            cache.set(key, _freeze(request, response, request._page_cache_replays), timeout_for(request, response))
        except Exception:  # noqa: BLE001
            logger.warning("page cache: could not store", exc_info=True)
        response[HEADER] = "miss"
        return response


# --- invalidation on content changes ---------------------------------------------------------------------


def _invalidate_on_commit(**kwargs):
    from django.db import transaction

    if enabled():
        # After commit: a request rendering between the signal and the commit would store the old content
        # under the new generation.
        transaction.on_commit(invalidate)


def _is_public_content(instance):
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage
    from wagtail.models import BaseViewRestriction, Page, Site
    from wagtail.snippets.models import get_snippet_models

    label = instance._meta.label
    if label in getattr(settings, "PAGE_CACHE_IGNORED_MODELS", []):
        return False
    return isinstance(
        instance, (Page, Site, BaseViewRestriction, BaseSiteSetting, BaseGenericSetting, AbstractImage, AbstractDocument)
    ) or type(instance) in get_snippet_models()


def _on_model_change(sender, instance, **kwargs):
    if enabled() and _is_public_content(instance):
        _invalidate_on_commit()


def connect_signals():
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_invalidate_on_commit, dispatch_uid=f"page-cache-{id(signal)}")
    post_save.connect(_on_model_change, dispatch_uid="page-cache-save")
    post_delete.connect(_on_model_change, dispatch_uid="page-cache-delete")
