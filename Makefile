# Codesign: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test install install-dev migrate seed worker lint format clean

$(PY):
	$(PYTHON) -c 'import sys; sys.exit("Codesign needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $(STAMP)

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP) $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# The web server and an embedded Celery worker with beat (no Redis needed: kombu's
# filesystem transport, unless REDIS_URL is set). Ctrl-C stops both.
run: seed
	@echo ""
	@echo "Codesign is starting at http://127.0.0.1:8000 (Ctrl-C stops it)."
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A codesign worker --beat -P solo --loglevel=INFO & \
	$(PY) manage.py runserver 127.0.0.1:8000

worker: install
	$(BIN)/celery -A codesign worker --beat -P solo --loglevel=INFO

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint $(TEMPLATE_DIRS) --lint

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

TEMPLATE_DIRS := templates $(wildcard */templates)

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint $(TEMPLATE_DIRS) --lint --quiet
	DJANGO_SETTINGS_MODULE=codesign.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=codesign.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var
