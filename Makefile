# Dichtbij: the two commands a new machine needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install install-test node messages migrate demo serve test-sqlite test-postgres browser-deps lint clean bench

## make run: set up everything and serve the site with demo content on SQLite (admin: see README)
run: install node messages migrate demo serve

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## The NL Design System CSS the templates use (site/static/css/nlds-*.css, generated): see scripts/build_css.py.
node: node_modules/.installed
	$(PYTHON) scripts/build_css.py

## Compile the translation catalogues when GNU gettext is there; the compiled .mo files are committed too.
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then $(MANAGE) compilemessages -v0 --ignore=.venv --ignore=node_modules; else echo "msgfmt not found: using the committed .mo files"; fi

migrate: install
	$(MANAGE) migrate --noinput

demo: install
	$(MANAGE) load_demo

serve: install
	@echo "Dichtbij runs at http://$(HOST):$(PORT)/ (admin at /admin/, see README for the account)"
	$(MANAGE) runserver $(HOST):$(PORT)

## make test: the whole suite; PostgreSQL when DATABASE_URL is set or PostgreSQL is installed, else SQLite.
test: install-test node messages browser-deps
	@if [ -n "$$DATABASE_URL" ]; then \
	  echo "make test: database = PostgreSQL/other from DATABASE_URL"; \
	  $(PY) -m pytest $(PYTEST_ARGS); \
	elif command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "make test: database = PostgreSQL (throwaway cluster)"; \
	  scripts/with-postgres.sh $(PY) -m pytest $(PYTEST_ARGS); \
	else \
	  echo "make test: database = SQLite (no PostgreSQL found)"; \
	  $(PY) -m pytest $(PYTEST_ARGS); \
	fi

## The same suite on the embedded default, whatever is installed.
test-sqlite: install-test node messages
	@echo "make test-sqlite: database = SQLite"
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

## Browser tests drive Debian's chromium; install it when we may (root with apt), else they are skipped.
browser-deps:
	@if [ -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing chromium for the browser tests"; \
	  (apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); \
	else echo "chromium not found and cannot be installed here: browser tests will be skipped"; fi

bench: install-test node
	scripts/with-postgres.sh $(PY) bench/run_all.py

clean:
	rm -rf $(VENV) node_modules static_collected db.sqlite3 media private_media

## Update the Dutch catalogues after changing interface strings, then translate what is new.
translations: install
	$(MANAGE) makemessages -l nl --no-obsolete --ignore=.venv/* --ignore=node_modules/* --ignore=tests/* --ignore=bench/*
