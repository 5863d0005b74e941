# Turazo: `make run` serves the app on its embedded default; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000

export DEBUG ?= true

.PHONY: run test lint messages install install-dev migrate seed bench clean

$(VENV)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## Web server + Celery worker + beat (bin/dev): email links point at ADDR (or SITE_URL
## when set). Ctrl-C stops all three within seconds.
run: seed
	@$(PY) bin/dev $(ADDR)

## The whole test suite. Uses DATABASE_URL when set (CI: Postgres), SQLite otherwise.
test: install-dev
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

## The source catalogue locale/en (needs gettext): after changing any user-facing string.
## docs/translating.md: adding a language. tests/core/test_translations.py checks it is current.
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=static/vendor --ignore=tests --ignore=bench \
		--ignore=var --ignore=staticfiles --add-location=file

bench: install-dev
	$(PY) bench/import.py
	$(PY) bench/matching.py
	$(PY) bench/scheduling.py
	$(PY) bench/dashboard.py

clean:
	rm -rf var staticfiles .pytest_cache
