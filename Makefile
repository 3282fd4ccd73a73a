# teilhabe — the stable commands: demo, test, e2e, bench, lint.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install demo serve test lint e2e bench messages clean

# Debian packages: gettext (catalogues), Noto fonts and Pango (PDFs in every script), poppler (PDF checks).
SYSTEM_PACKAGES := gettext fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 poppler-utils

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

messages: install
	cd teilhabe && ../$(PY) ../manage.py compilemessages --ignore=.venv -v 0

demo: messages
	mkdir -p var
	DEBUG=1 TEILHABE_DEMO=1 $(PY) manage.py migrate --noinput -v 0
	DEBUG=1 TEILHABE_DEMO=1 $(PY) manage.py seed_demo
	@echo "Open http://127.0.0.1:8000 (stop with Ctrl+C)"
	DEBUG=1 TEILHABE_DEMO=1 $(PY) manage.py runserver 127.0.0.1:8000

test: messages
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

bench: messages
	$(PY) -m teilhabe.bench

clean:
	rm -rf var/teilhabe.sqlite3* var/static
