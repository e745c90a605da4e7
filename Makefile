# Two commands: `make run` brings the demo up, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint bench screenshots migrate seed worker beat clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "CAD is starting on http://$(HOST):$(PORT)/ (sign in with a login above; Ctrl-C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest

bench: install
	$(PY) manage.py bench

screenshots: install  ## the README's console and board pictures, taken by the browser test
	CAD_SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest -q tests/e2e/test_console.py tests/e2e/test_premises.py

lint: install  ## ruff, and no model change without its migration
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

worker: install
	$(VENV)/bin/celery -A cad worker --loglevel INFO

beat: install
	$(VENV)/bin/celery -A cad beat --loglevel INFO --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
