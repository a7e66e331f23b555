# Dichtbij: one image for every app server. Build: docker build -t dichtbij .
# Runs gunicorn (config/gunicorn.conf.py) as an unprivileged user on port 8000; configure with environment
# variables (README, "Configuration"). Migrations run as a separate one-off: docker compose run app migrate.

# --- NL Design System CSS and Leaflet from npm (the exact versions in package-lock.json) ---
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- The application ---
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    STATIC_ROOT=/app/static_collected \
    MEDIA_ROOT=/data/media \
    PRIVATE_MEDIA_ROOT=/data/private_media \
    PORT=8000

# gettext for compilemessages; curl for the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 1000 dichtbij \
    && useradd --system --uid 1000 --gid dichtbij --home-dir /app --shell /usr/sbin/nologin dichtbij

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --chown=dichtbij:dichtbij . .
COPY --from=assets --chown=dichtbij:dichtbij /build/node_modules ./node_modules

# The NL Design System CSS the templates use (generated, not in git: scripts/build_css.py), static files
# (hashed names, gzip + brotli for whitenoise) and the translation catalogues, at build time.
# The secret key here only lets the settings load; the real one comes from the environment at run time.
RUN python scripts/build_css.py \
    && SECRET_KEY=build-only-not-secret python manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules \
    && SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput -v0 \
    && mkdir -p /data/media /data/private_media \
    && chown -R dichtbij:dichtbij /data /app/static_collected

USER dichtbij
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD curl --fail --silent --show-error "http://127.0.0.1:${PORT}/healthz" > /dev/null || exit 1

CMD ["gunicorn", "--config", "config/gunicorn.conf.py", "config.wsgi"]
