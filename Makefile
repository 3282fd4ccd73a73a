# teilhabe — the stable commands: demo, test, e2e, bench, lint.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install lock demo test test-fast lint e2e bench messages makemessages catalogues-check clean

# Debian packages: gettext (catalogues), Noto fonts and Pango (PDFs in every script), poppler (PDF checks).
SYSTEM_PACKAGES := gettext fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 poppler-utils

# Python packages come from requirements.lock: every package of the resolved set, pinned, with its hashes.
$(VENV)/.installed: requirements.lock
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	touch $@

install: $(VENV)/.installed

# Regenerate the lock from requirements.txt and requirements-dev.txt (the pins we choose) after changing either,
# and commit it. Pins already in the lock are kept, so a rerun only resolves what changed; UPGRADE=1 moves every
# unpinned dependency to its newest release. The machine-wide pip constraint file plays no part in the lock.
LOCK_OPTIONS := --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock: install
	PIP_CONSTRAINT= $(VENV)/bin/pip-compile -q $(LOCK_OPTIONS) $(if $(UPGRADE),--upgrade) \
	  --output-file requirements.lock requirements.txt requirements-dev.txt

LOCALES := de de_LS en tr ar pl ru fa uk

messages: install
	cd teilhabe && ../$(PY) ../manage.py compilemessages --ignore=.venv -v 0

# Extract the project's strings into every catalogue (no line numbers, so only real changes show).
makemessages: install
	cd teilhabe && for locale in $(LOCALES); do \
	  DEBUG=1 ../$(PY) ../manage.py makemessages -l $$locale --no-location --no-obsolete -v 0; done
	$(PY) -m teilhabe.core.catalogues --fill-english

# CI: catalogues match the code and every message of every shipped language is translated.
catalogues-check: install
	$(MAKE) makemessages
	@if ! git diff --quiet -I 'POT-Creation-Date' -- teilhabe/locale; then \
	  git --no-pager diff --stat -I 'POT-Creation-Date' -- teilhabe/locale; \
	  echo "Catalogues are out of date: run 'make makemessages', translate, and commit."; exit 1; fi
	$(PY) -m teilhabe.core.catalogues --check

demo: messages
	mkdir -p var
	DEBUG=1 TEILHABE_DEMO=1 $(PY) manage.py migrate --noinput -v 0
	DEBUG=1 TEILHABE_DEMO=1 $(PY) manage.py seed_demo
	DEBUG=1 TEILHABE_DEMO=1 $(PY) manage.py schedule_housekeeping
	@echo "Open http://127.0.0.1:8000 (stop with Ctrl+C)"
# The task worker runs beside the server and stops with it.
	DEBUG=1 TEILHABE_DEMO=1 $(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	DEBUG=1 TEILHABE_DEMO=1 $(PY) manage.py runserver 127.0.0.1:8000

test: messages
	$(PY) -m pytest -q

# The quick subset for the edit-test loop: everything but the tests marked slow (seed_demo, PDFs, subprocesses,
# property-based sweeps, the small benchmark). `make test` still runs everything.
test-fast: messages
	$(PY) -m pytest -q -m "not slow"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# Browser tests (e2e/): Debian's headless Chromium driven by Playwright, axe-core from npm, headless LibreOffice.
# Starts its own server and task worker on a fresh temporary database; never run `playwright install` (it cannot
# download browsers here).
e2e: messages
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core)
# LibreOffice (without its GUI) proves that the consideration table's XLSX and ODS open in it.
	@command -v soffice >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui)
	npm ci --no-audit --no-fund
	$(PY) -m pytest -q e2e

# The throughput phase loads gunicorn with Debian's wrk (BENCH_THROUGHPUT=0 skips it); BENCH_PROFILE=1 profiles.
bench: messages
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(PY) -m benchmarks
# The councils' district page (issue 13) moves contributions and events into one district: it runs on a copy of the
# bench database made afresh each time, so that the rows above always measure the same data.
	mkdir -p var/bench/councils
	cp var/bench/bench.sqlite3 var/bench/bench-db.json var/bench/councils/
	set -o pipefail; BENCH_DIR=var/bench/councils $(PY) -m benchmarks.councils | tee var/bench/councils.md
# The stakeholder registry (issue 14) adds 5,000 organisations and puts contributions on their behalf: on a copy too.
	mkdir -p var/bench/stakeholders
	cp var/bench/bench.sqlite3 var/bench/bench-db.json var/bench/stakeholders/
	set -o pipefail; BENCH_DIR=var/bench/stakeholders $(PY) -m benchmarks.stakeholders | tee var/bench/stakeholders.md
# Council reports (issue 15): a full report on the bench process, made and frozen (its rows are removed afterwards).
	set -o pipefail; $(PY) -m benchmarks.reports | tee var/bench/reports.md
# The monitoring's dashboards (issue 15) add self-descriptions and baselines only, which no row above reads.
	set -o pipefail; $(PY) -m benchmarks.monitoring | tee var/bench/monitoring.md

clean:
	rm -rf var/teilhabe.sqlite3* var/static var/audit
