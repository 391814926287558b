# onestop — the two commands of the quick start are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
ONESTOP := $(VENV)/bin/onestop
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := onestop.settings

# `migrated` and `messages` stand for files' targets below.
.PHONY: help demo setup migrated serve test test-postgres prod bench bench-postgres drills loadgen lint format openapi messages makemessages system-packages clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# onestop and, beside it, its development tools (dev/: the demo, loadgen, test helpers),
# which a production install (`pip install .`) leaves out.
$(VENV)/.base: requirements/base.txt pyproject.toml dev/pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/base.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e . -e dev
	@touch $@

$(VENV)/.dev: $(VENV)/.base requirements/dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Built front-end files: never committed; `npm ci` empties node_modules, and this rebuilds.
BUILD := node_modules/.onestop-build
ASSETS := node_modules/.installed $(BUILD)/echarts.min.js
$(BUILD)/echarts.min.js: node_modules/.installed assets/echarts.js
	npm run --silent build

# What a second `make demo` need not do again: each step runs when what it reads changed.
VARDIR := $(or $(ONESTOP_VAR_DIR),var)
MO := locale/zh_Hans/LC_MESSAGES/django.mo
STATIC_SOURCES := $(shell find onestop -path '*/static/*' -type f) $(ASSETS)
MIGRATIONS := $(shell find onestop -path '*/migrations/*.py')

messages: $(MO)  ## compile translations (pure Python, no gettext needed)
$(MO): locale/zh_Hans/LC_MESSAGES/django.po $(VENV)/.base
	$(ONESTOP) compilemessages -v 0

makemessages: $(VENV)/.base  ## extract strings into locale/zh_Hans (needs GNU gettext)
	$(ONESTOP) makemessages --locale zh_Hans --no-obsolete --no-location --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*'

setup: $(VENV)/.base $(ASSETS) messages $(VARDIR)/static/staticfiles.json migrated  ## install, migrate, collect static files

$(VARDIR)/static/staticfiles.json: $(STATIC_SOURCES) | $(VENV)/.base
	$(ONESTOP) collectstatic --no-input -v 0

ifdef DATABASE_URL
migrated: $(VENV)/.base
	$(ONESTOP) migrate --no-input -v 0
else
migrated: $(VARDIR)/.migrated
# The embedded database, migrated when a migration changed (or var/ was emptied).
$(VARDIR)/.migrated: $(MIGRATIONS) | $(VENV)/.base
	@mkdir -p $(VARDIR)
	$(ONESTOP) migrate --no-input -v 0
	@touch $@
endif

demo: setup  ## set up from nothing, load the demo once and serve on http://127.0.0.1:$(PORT)
	@# The demo's certificates name the address they will be served at.
	ONESTOP_DEMO=1 PORT=$(PORT) $(ONESTOP) demo --serve

serve: setup  ## serve without loading the demo (a development installation: sandboxes allowed)
	ONESTOP_DEMO=1 $(ONESTOP) serve --port $(PORT)

lint: $(VENV)/.dev $(ASSETS) messages  ## ruff, mypy, import-linter, migrations and OpenAPI drift
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy onestop dev/onestop_dev
	$(VENV)/bin/lint-imports --no-cache
	$(ONESTOP) makemigrations --check --dry-run -v 0
	$(ONESTOP) openapi --check
	$(ONESTOP) events --check

system-packages:  ## install the Debian packages the tests need, if missing
	scripts/system-packages

test: system-packages lint  ## lint plus the whole suite, browser tests included
	DJANGO_SETTINGS_MODULE=onestop.test_settings $(VENV)/bin/pytest

test-postgres: system-packages $(VENV)/.dev $(ASSETS) messages  ## the suite again on PostgreSQL 15 (a local cluster), browser tests included
	url="$$(scripts/postgres)" && DATABASE_URL="$$url" DJANGO_SETTINGS_MODULE=onestop.test_settings $(VENV)/bin/pytest -m "not crash"

prod: $(VENV)/.base $(ASSETS) messages  ## production mode here: PostgreSQL, Redis, the deployment checks, no demo data, one worker per core
	scripts/prod

DRILLS_ARGS ?=
drills: $(VENV)/.dev $(ASSETS) messages  ## the failure drills (not part of test): PostgreSQL and Redis stopped, paused, the worker killed, backup and restore
	scripts/system-packages prod
	$(PY) bench/drills.py $(DRILLS_ARGS)

BENCH_ARGS ?=
bench: $(VENV)/.base $(ASSETS) messages  ## the benchmark (not part of test): seed-scale data, wrk against the server, nginx ceiling
	scripts/system-packages bench
	$(PY) bench/run.py $(BENCH_ARGS)

bench-postgres: $(VENV)/.base $(ASSETS) messages  ## the benchmark on the local PostgreSQL 15 cluster
	scripts/system-packages bench
	url="$$(scripts/postgres)" && DATABASE_URL="$$url" $(PY) bench/run.py $(BENCH_ARGS)

format: $(VENV)/.dev  ## rewrite code to the project's style
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

openapi: $(VENV)/.base  ## regenerate docs/api/openapi.json (and docs/events.md) after an API or event change
	$(ONESTOP) openapi
	$(ONESTOP) events

clean:  ## remove the environment, installed assets and local data
	rm -rf $(VENV) node_modules var
