"""Middleware for production concerns: the health endpoint, the Content-Security-Policy, the Permissions-Policy."""

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template import loader
from csp.constants import HEADER as CSP_HEADER, HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy

from .health import healthz
from .storage import STORAGE_ERROR_MESSAGE, is_storage_failure

HEALTH_PATHS = {"/healthz", "/healthz/"}


class HealthCheckMiddleware:
    """Answers /healthz before anything else runs.

    Load balancers probe app servers by IP address over plain HTTP: the Host header is not one of
    ALLOWED_HOSTS and the request is not HTTPS. Answering here, first in the chain, keeps the probe
    out of host validation, the HTTPS redirect, sessions and the language machinery. The same view
    is also in config/urls.py for environments that remove this middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in HEALTH_PATHS and request.method in {"GET", "HEAD"}:
            response = healthz(request)
            response["Cache-Control"] = "no-store"
            response["X-Content-Type-Options"] = "nosniff"
            return response
        return self.get_response(request)


def _is_admin_path(path):
    return path.startswith(tuple(getattr(settings, "ADMIN_CSP_PATH_PREFIXES", ["/admin/"])))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with a second, relaxed policy for the Wagtail admin.

    The public site gets settings.CONTENT_SECURITY_POLICY (no 'unsafe-inline'). Wagtail 8's admin
    still renders some inline scripts and style attributes (see the comment at
    ADMIN_CONTENT_SECURITY_POLICY in the settings), so paths under ADMIN_CSP_PATH_PREFIXES get
    settings.ADMIN_CONTENT_SECURITY_POLICY instead. A view's own @csp_override/@csp_update still wins.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and _is_admin_path(request.path_info):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY
        return parts

    def process_response(self, request, response):
        """django-csp's answer, with the two policy strings built once instead of on every response.

        django-csp rebuilds both headers from the settings for each response (dataclasses.asdict deep-copies
        the directives): a third of the CPU of a page-cache hit. Without a per-view override, exemption or nonce
        the strings are always the same, so they are built once per process (again when a setting changes).
        Anything else takes django-csp's own path.
        """
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, a) for a in _CSP_RESPONSE_ATTRS):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (500, 404):
            return response
        admin = _is_admin_path(request.path_info)
        for report_only, header, setting in _CSP_HEADERS:
            policy = _built_policy(admin, report_only)
            if policy and header not in response:
                prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
                if not request.path_info.startswith(tuple(prefixes)):
                    response[header] = policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


# Set by django-csp's decorators (@csp_override, @csp_update, @csp_replace, @csp_exempt) on a response.
_CSP_RESPONSE_ATTRS = tuple(
    f"_csp_{name}{suffix}" for name in ("config", "update", "replace", "exempt") for suffix in ("", "_ro")
)
_CSP_HEADERS = (
    (False, CSP_HEADER, "CONTENT_SECURITY_POLICY"),
    (True, CSP_HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
)
_BUILT_POLICIES = {}


def _built_policy(admin, report_only):
    """The header value django-csp would build for a response without overrides (memoised)."""
    key = (admin, report_only)
    try:
        return _BUILT_POLICIES[key]
    except KeyError:
        config = settings.ADMIN_CONTENT_SECURITY_POLICY if admin and not report_only else None
        policy = _BUILT_POLICIES[key] = build_policy(config=config, report_only=report_only)
        return policy


@receiver(setting_changed)
def _forget_built_policies(setting, **kwargs):
    if "CONTENT_SECURITY_POLICY" in setting:
        _BUILT_POLICIES.clear()


def build_permissions_policy(policy):
    """{"geolocation": ["self"], "camera": []} -> 'geolocation=(self), camera=()'."""
    items = []
    for feature, allowlist in policy.items():
        values = " ".join(v if v in {"self", "*"} else f'"{v}"' for v in allowlist)
        items.append(f"{feature}=({values})")
    return ", ".join(items)


class PermissionsPolicyMiddleware:
    """Sends the Permissions-Policy header from settings.PERMISSIONS_POLICY (Django has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = build_permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response


STORAGE_RETRY_AFTER_SECONDS = 300


def _is_upload(request):
    if request.method != "POST":
        return False
    try:
        return bool(request.FILES)
    except Exception:  # noqa: BLE001 - a body that cannot be parsed is no upload we can answer for
        return False


class StorageErrorMiddleware:
    """A clear answer when an upload cannot be stored (disk full, no permission, object storage down).

    Our own forms catch the failure and show it on the same form with everything typed (initiatives). This
    catches it everywhere else, such as the images and documents editors upload in the Wagtail admin: our
    storages raise StorageUnavailable and have left no file behind, and Wagtail saves the row in a
    transaction, so nothing is half-saved. Wagtail's multiple upload (XHR) gets its own JSON error format,
    which it shows next to the file; a normal request gets a themed page (503, Retry-After).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Only an upload gets this answer: a storage failing on a page view (say, writing an image rendition)
        # is not the visitor's file and gets the normal error page.
        if not is_storage_failure(exception) or not _is_upload(request):
            return None
        message = str(STORAGE_ERROR_MESSAGE)
        if request.headers.get("x-requested-with") == "XMLHttpRequest" or "json" in request.headers.get("accept", ""):
            return JsonResponse({"success": False, "error_message": message}, status=200)
        body = loader.get_template("operations/storage_error.html").render({"request": request, "message": message})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(STORAGE_RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
