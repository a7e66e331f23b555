"""Gunicorn configuration: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Everything can be tuned from the environment (the defaults suit a 2-core container):
  PORT / GUNICORN_BIND   where to listen (default 0.0.0.0:8000)
  WEB_CONCURRENCY        worker processes (default: CPU cores + 1, capped at 9; 3 on 2 cores)
  GUNICORN_THREADS       threads per worker (default 4; gthread workers ride out slow database calls)
  GUNICORN_TIMEOUT       seconds before a stuck worker is restarted (default 30)
  GUNICORN_MAX_REQUESTS  recycle a worker after this many requests (default 20000, with jitter)
  FORWARDED_ALLOW_IPS    proxies trusted for X-Forwarded-* (default 127.0.0.1; '*' behind a private LB)
Access logs are JSON lines on stdout (no query strings: searches can say a lot about a person).
"""

import json
import multiprocessing
import os
from datetime import datetime, timezone

from gunicorn.glogging import Logger


def _int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Cores + 1 processes, not the 2 x cores + 1 of sync workers: each gthread worker already overlaps database
# waits with its threads, and every extra process is one more copy of the per-process caches to warm (the
# full-page cache in local memory, templates, the search vocabulary) and more memory and database connections.
# Measured with bench/load.py on 2 cores (docs/performance.md): 3 workers served more than 5.
workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() + 1, 9))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than a browser's (and the load bench's) pause between clicks: a client that reuses a connection the
# server has just closed gets a reset, which users see as an error page.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycling caps a slow memory leak, but a fresh worker costs a second or more of CPU before it is fast (URL
# patterns, compiled templates, Wagtail's site and page caches, database connections) and its first requests
# are slow. At 150 requests/s over 3 workers, 2000 meant a new worker every 13 s: several percent of the two
# cores and a latency spike each time. 20000 is every few minutes at that rate, and rarely on a quiet day.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = max_requests // 10
# Load the application once in the master: faster worker starts and shared memory pages.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files on tmpfs: a slow disk must not make gunicorn think its workers hang.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "dichtbij"


class JsonLogger(Logger):
    """Access log lines as JSON objects; gunicorn's own messages stay plain on stderr."""

    def access(self, resp, req, environ, request_time):
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.logconfig_dict or self.cfg.syslog):
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        record = {
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "type": "access",
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
            "request_id": environ.get("HTTP_X_REQUEST_ID"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        try:
            self.access_log.info(json.dumps(record, ensure_ascii=False))
        except Exception:  # noqa: BLE001 - logging must never break a response
            self.exception("access log failed")


logger_class = JsonLogger


def on_starting(server):
    """A new release can change every page (templates, the hashed names of static files): start with an empty
    page cache. Only the master's start, not a worker recycled after max_requests. The stored pages live
    outside the processes (files in /dev/shm, or Redis), so a restart alone would not forget them."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    try:
        import django

        django.setup()
        from operations import pagecache

        if pagecache.enabled():
            pagecache.invalidate()
    except Exception:  # noqa: BLE001 - the server must start; pages still expire after PAGE_CACHE_SECONDS
        server.log.exception("page cache: could not clear at start")
    if preload_app:
        try:
            # Import every URL pattern (the Wagtail admin's are most of a second) here, once, instead of in each
            # worker's first request: forked workers share them, and a recycled worker starts warm.
            from django.urls import get_resolver

            get_resolver().resolve("/")
        except Exception:  # noqa: BLE001
            server.log.exception("could not load the URL patterns at start")
