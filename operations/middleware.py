"""Middleware for production concerns: the health endpoint, the Content-Security-Policy, the Permissions-Policy."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template import loader
from csp.middleware import CSPMiddleware

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
