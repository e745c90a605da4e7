# Two commands: `make run` brings the demo up, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint bench screenshots migrate seed logins token worker beat clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing into $(VENV) (a minute the first time)"
	$(PY) -m pip install -qq --upgrade pip
	$(PY) -m pip install -qq -e '.[dev]'
	touch $@

migrate: install
	@$(PY) manage.py migrate --noinput --verbosity 0

seed: migrate  ## the demo city, and its logins
	@$(PY) manage.py seed_demo --site-url http://$(HOST):$(PORT)

run: migrate  ## the logins are printed last, before the server's own lines: make logins shows them again
	@$(PY) manage.py collectstatic --noinput --verbosity 0
	@$(PY) manage.py seed_demo --site-url http://$(HOST):$(PORT)
	@echo "CAD is starting on http://$(HOST):$(PORT)/ (sign in with a login above; Ctrl-C stops it)"
	@$(PY) manage.py runserver $(HOST):$(PORT)

logins: install
	@$(PY) manage.py demo_logins --site-url http://$(HOST):$(PORT)

token: install  ## make token AGENCY=NFPD: a new API key for that agency, shown once
	@test -n "$(AGENCY)" || { echo "Name the agency: make token AGENCY=NFPD (CPD is the center's own)"; exit 2; }
	@$(PY) manage.py agency_token $(AGENCY)

test: install
	$(PY) -m pytest

bench: install
	$(PY) manage.py bench

screenshots: install  ## the README's pictures, of the demo city as seeded, taken by the browser test
	CAD_SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest -q tests/e2e/test_screenshots.py tests/e2e/test_ali.py \
		tests/e2e/test_mutual_aid.py::test_a_district_accepting_shows_live_with_its_engine_dispatched

lint: install  ## ruff, and no model change without its migration
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

worker: install
	$(VENV)/bin/celery -A cad worker --loglevel INFO

beat: install
	$(VENV)/bin/celery -A cad beat --loglevel INFO --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
