# Turazo: `make run` serves the app on its embedded default; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000

export DEBUG ?= true

.PHONY: run test lint install install-dev migrate seed bench clean

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

## Web server + Celery worker + beat. Ctrl-C stops all three.
run: seed
	@echo "Turazo on http://$(ADDR)/  (emails: http://$(ADDR)/dev/outbox/ ; API docs: http://$(ADDR)/api/docs/)"
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A turazo worker --loglevel=INFO --concurrency=2 & \
	$(VENV)/bin/celery -A turazo beat --loglevel=INFO & \
	$(PY) manage.py runserver $(ADDR)

## The whole test suite. Uses DATABASE_URL when set (CI: Postgres), SQLite otherwise.
test: install-dev
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .

bench: install-dev
	$(PY) bench/import.py
	$(PY) bench/matching.py
	$(PY) bench/scheduling.py

clean:
	rm -rf var staticfiles .pytest_cache
