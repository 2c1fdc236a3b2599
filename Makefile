# civicdesk: two set-up commands, `make run` and `make test`. Only Python 3.11+ and make needed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test install install-dev serve lint vendor messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## make run: virtualenv, install, migrate, demo data, serve on http://$(HOST):$(PORT) with SQLite
run: install
	$(BIN)/civicdesk migrate --no-input
	$(BIN)/civicdesk demo
	$(BIN)/civicdesk serve --host $(HOST) --port $(PORT)

## make test: dev dependencies and the whole suite, on SQLite and then on PostgreSQL
test: install-dev
	$(BIN)/python scripts/ensure_chromium.py
	$(BIN)/ruff check civicdesk
	env -u DATABASE_URL $(BIN)/civicdesk makemigrations --check --dry-run
	env -u DATABASE_URL $(BIN)/pytest -p no:cacheprovider
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python scripts/pg_suite.py

lint: install-dev
	$(BIN)/ruff check civicdesk
	$(BIN)/ruff format --check civicdesk

## make vendor: refresh the vendored front-end assets from package-lock.json (needs npm)
vendor:
	npm ci --no-audit --no-fund
	npx sass --load-path=node_modules --style=compressed --no-source-map \
		assets/civicdesk-govuk.scss civicdesk/static/vendor/govuk-frontend/govuk-frontend.min.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js civicdesk/static/vendor/govuk-frontend/
	cp node_modules/htmx.org/dist/htmx.min.js civicdesk/static/vendor/htmx/
	cp node_modules/htmx.org/LICENSE civicdesk/static/vendor/htmx/LICENSE

## make messages: refresh and compile translations (needs GNU gettext)
messages: install
	cd civicdesk && CIVICDESK_VAR_DIR=$(abspath var) $(abspath $(BIN))/civicdesk makemessages -l zh_Hant -l zh_Hans -l ms --no-obsolete
	cd civicdesk && CIVICDESK_VAR_DIR=$(abspath var) $(abspath $(BIN))/civicdesk compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache
