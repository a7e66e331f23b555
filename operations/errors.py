"""Error handling that keeps the site honest when the database is gone.

Django turns any uncaught exception, in a view or in a middleware (sessions, authentication), into a
call of handler500 while the exception is still being handled. This handler looks at that exception:
when the database is unreachable (OperationalError, InterfaceError) the answer is the themed 503 page
with Retry-After, so browsers, load balancers and monitoring see 'temporarily unavailable' rather than
'broken'. With CONN_HEALTH_CHECKS on, the next request opens a new connection, so the site recovers by
itself as soon as the database is back. Every other error goes to the normal themed 500 page.
"""

import logging
import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def caused_by(exc, types):
    """Whether the exception, or one it was raised from or during, is one of `types`."""
    while exc is not None:
        if isinstance(exc, types):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def is_database_unavailable(exc):
    return caused_by(exc, DATABASE_DOWN_ERRORS)


def service_unavailable(request, retry_after=RETRY_AFTER_SECONDS):
    # The 503 page is rendered without database-backed context (no site settings, no menus).
    body = loader.get_template("503.html").render({"request": request})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    exc = sys.exc_info()[1]
    if is_database_unavailable(exc):
        logger.error("database unavailable: answered 503 for %s", request.path)
        return service_unavailable(request)
    from home.views import server_error as themed_server_error

    return themed_server_error(request)
