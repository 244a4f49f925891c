# Gongzhi — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Development on this machine: DEBUG on (the settings default to off, docs/security.md).
DEV := DEBUG=true

.PHONY: run test lint migrate seed messages clean help

help:
	@echo "make run    set up (venv, packages, database, demo town) and serve on 127.0.0.1:$(PORT) with the worker"
	@echo "make test   install the test dependencies (Python packages, axe-core from npm) and run the whole suite"
	@echo "make lint   ruff and the import contracts (layers point down; core imports no app)"

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s); set PYTHON=python3.x" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: requirements/base.txt $(VENV)/.python-ok
	$(PY) -m pip install --quiet -r requirements/base.txt
	@touch $@

$(VENV)/.installed-test: requirements/test.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements/test.txt
	@touch $@

migrate: $(VENV)/.installed
	@mkdir -p var
	$(DEV) $(PY) manage.py migrate --noinput -v0

seed: migrate
	$(DEV) $(PY) manage.py seed_demo --if-empty

run: seed
	$(DEV) $(PY) manage.py run_platform --port $(PORT)

# axe-core (package.json, exact version; no lock file, see .npmrc) checks every page the browser tests visit.
node_modules/axe-core/axe.min.js: package.json
	@.ci/ensure-system-packages
	npm install --no-audit --no-fund
	@touch $@

test: $(VENV)/.installed-test node_modules/axe-core/axe.min.js
	@.ci/ensure-system-packages
	$(PY) -m pytest -n 2 --dist loadfile

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

messages: $(VENV)/.installed-test
	cd gongzhi && $(DEV) ../$(PY) ../manage.py makemessages -l zh_Hans -l zh_Hant -l en --no-obsolete && $(DEV) ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) var staticfiles node_modules
