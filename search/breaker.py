"""Stop asking a search engine that does not answer, for a while (a circuit breaker, per process).

When Elasticsearch is down or silent, every call waits for its timeout (seconds) before the database
fallback answers. A site search makes several calls (pages, other models, facilities), so one visitor
would wait many timeouts, and every worker thread would be tied up waiting. After one failure we skip
the engine for `SEARCH_ENGINE_RETRY_SECONDS` (30 s by default) and answer from the database straight
away, with the same notice; the first call after that tries the engine again. `/healthz` keeps probing
the engine itself, so monitoring still sees the real state.

Updates to the engine's index are skipped too while it is open (the database index stays current); run
`manage.py update_index` and `manage.py reindex_facilities` after an outage to bring the engine up to date.
Why not a library: the pattern is a timestamp and a lock; pybreaker and friends add state stores and
listeners we do not need.
"""

import logging
import threading
import time

from django.conf import settings

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_state = {"open_until": 0.0}


class SearchEngineUnavailable(Exception):
    """The search engine failed recently; it is not asked again until the retry time has passed."""


def engine_configured():
    """Whether an external search engine is in use (only then can the breaker open)."""
    return bool(getattr(settings, "ELASTICSEARCH_URL", ""))


def is_open():
    """True while the engine is being skipped after a failure."""
    return time.monotonic() < _state["open_until"]


def is_unreachable(exc):
    """Whether an exception means the engine could not be reached (not a bad request or our own bug)."""
    try:
        from elastic_transport import TransportError
    except ImportError:  # pragma: no cover - elasticsearch is in requirements.txt
        TransportError = ()  # noqa: N806
    return isinstance(exc, (TransportError, OSError))


def trip(exc):
    """Record a failure of the engine: skip it for the retry time."""
    seconds = getattr(settings, "SEARCH_ENGINE_RETRY_SECONDS", 30)
    with _lock:
        first = not is_open()
        _state["open_until"] = time.monotonic() + seconds
    if first:
        logger.warning("Search engine unavailable, using the database for %s s: %s", seconds, exc)


def reset():
    """The engine answered (or a test starts afresh): ask it again from now on."""
    with _lock:
        _state["open_until"] = 0.0
