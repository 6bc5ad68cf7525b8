# Codesign: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Pinned versions (with hashes) of everything pyproject.toml asks for: `make lock` writes them.
LOCK := requirements/lock.txt
DEV_LOCK := requirements/dev-lock.txt

# The release this build is (logs, error reports, cache keys): the commit, "-dirty" when tracked
# files differ from it, "dev" outside a git checkout. Set CODESIGN_RELEASE to override.
ifndef CODESIGN_RELEASE
CODESIGN_RELEASE := $(shell commit=$$(git rev-parse --short HEAD 2>/dev/null); \
	if [ -z "$$commit" ]; then echo dev; \
	elif [ -n "$$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then echo "$$commit-dirty"; \
	else echo "$$commit"; fi)
endif
export CODESIGN_RELEASE

# pytest-xdist workers: one per core, at least 2 (the database takes its share), at most 8.
PYTEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(min(8, max(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 2)))')
# The lanes `make test-fast` leaves out (markers in pyproject.toml, given in tests/conftest.py).
SLOW_LANES := browser or smoke or failures or hostile or races or matrix

.PHONY: run test test-fast install install-dev lock lock-upgrade migrate seed worker lint format clean \
	messages compilemessages

$(PY):
	$(PYTHON) -c 'import sys; sys.exit("Codesign needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Installs exactly the locked versions, checked against their hashes; then Codesign itself.
$(STAMP): $(LOCK) pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

$(DEV_STAMP): $(DEV_LOCK) pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP) $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

# Pins what pyproject.toml asks for, for every platform, keeping the versions already pinned
# where they still fit; `make lock-upgrade` moves every pin to the newest version allowed.
# The dev lock is constrained by the runtime one, so both pin the same runtime versions.
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --quiet \
	--custom-compile-command "make lock"
lock: | $(PY)
	$(PY) -m pip install --quiet "uv>=0.5,<1"
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) $(UV_FLAGS) -o $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --extra dev --constraint $(LOCK) $(LOCK_FLAGS) \
		$(UV_FLAGS) -o $(DEV_LOCK)

lock-upgrade:
	$(MAKE) lock UV_FLAGS=--upgrade

# Translations (locale/<language>/LC_MESSAGES/django.po). `make messages` gathers every marked
# string into each catalogue (new ones empty, gone ones dropped) and compiles them; fill in the
# new ones, then commit the .po and its .mo (tests/test_translations.py fails on an empty,
# fuzzy or missing message, and on a .mo that lags its .po). No install: it uses .venv as is.
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=static/vendor --ignore=tests \
	--ignore=bench --ignore=node_modules
messages:
	$(BIN)/python manage.py makemessages $(foreach language,$(LOCALES),-l $(language)) \
		--no-obsolete --no-location $(MESSAGES_IGNORE)
	@# No guesses: gettext's fuzzy matches become plain empty messages, to be translated.
	for po in locale/*/LC_MESSAGES/*.po; do \
		msgattrib --clear-fuzzy --empty --clear-previous -o $$po $$po || exit 1; \
	done
	@# No date in the header, so two people's catalogues differ only where their strings do.
	$(BIN)/python -c "import pathlib, re; [p.write_text(re.sub(r'^\"POT-Creation-Date:.*\n', '', \
		p.read_text(), flags=re.M)) for p in pathlib.Path('locale').glob('*/LC_MESSAGES/*.po')]"
	$(MAKE) compilemessages

LOCALES := $(notdir $(wildcard locale/*))

# The .mo files are committed, so a machine without gettext's msgfmt serves them as they are;
# with msgfmt, any .mo older than its .po is compiled again.
compilemessages:
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(BIN)/python manage.py compilemessages $(MESSAGES_IGNORE) -v 0; \
	else \
		echo "msgfmt (gettext) not found: using the compiled translations in locale/ as they are."; \
	fi

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# The web server and an embedded Celery worker with beat (no Redis needed: kombu's
# filesystem transport, unless REDIS_URL is set). Ctrl-C stops both.
run: seed
	$(MAKE) compilemessages
	@echo ""
	@echo "Codesign $(CODESIGN_RELEASE) is starting at http://127.0.0.1:8000 (Ctrl-C stops it)."
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

# Everything: lint, checks, the tests marked `serial` one at a time, then all the others on
# $(PYTEST_WORKERS) workers (each with its own test database); it fails if either lane failed.
# pytest exits 5 when a lane selects no test (PYTEST_ARGS naming one file, say): not a failure.
# The parallel lane goes last so the run ends on the whole suite's count.
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint $(TEMPLATE_DIRS) --lint --quiet
	DJANGO_SETTINGS_MODULE=codesign.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=codesign.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(MAKE) compilemessages
	@status=0; \
	$(BIN)/pytest -p no:xdist -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ] || status=1; \
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not serial" $(PYTEST_ARGS) || [ $$? -eq 5 ] || status=1; \
	exit $$status

# Unit, service and view tests only (no browser, real processes, hostile input, races or the
# permission matrix), in parallel: the quick check while working.
test-fast: install-dev
	@start=$$(date +%s); \
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not ($(SLOW_LANES) or serial)" $(PYTEST_ARGS); \
	status=$$?; echo "test-fast took $$(( $$(date +%s) - start )) s"; exit $$status

clean:
	rm -rf $(VENV) var
