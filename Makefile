# The two commands: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# `make run PORT=8108` serves on another port (the default is the README's 8000).
PORT ?= 8000

# The newest Python >= 3.12 on this machine (pyenv shims that cannot run are skipped).
ifndef PYTHON
PYTHON := $(shell for c in python3.14 python3.13 python3.12 python3 \
	$$HOME/.pyenv/versions/3.14*/bin/python3 $$HOME/.pyenv/versions/3.13*/bin/python3 \
	$$HOME/.pyenv/versions/3.12*/bin/python3; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; \
	  then command -v $$c; break; fi; done)
endif

.PHONY: install install-dev run test lint format worker beat messages demo clean python-check

python-check:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "No Python 3.12 or newer found (tried python3.14, python3.13, python3.12, python3)."; \
	  echo "Install Python 3.12+ (Django 6.1 needs it) and run make again, or: make PYTHON=/path/to/python3.12 ..."; \
	  exit 1; fi

$(PY): | python-check
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT) — the admin is at http://127.0.0.1:$(PORT)/admin/"
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	DEBUG=$${DEBUG:-1} $(BIN)/celery -A huisvanhetkind worker --loglevel=INFO

beat: install
	@mkdir -p var
	DEBUG=$${DEBUG:-1} $(BIN)/celery -A huisvanhetkind beat --loglevel=INFO --schedule=var/celerybeat-schedule

messages: install-dev
	DEBUG=1 $(PY) manage.py makemessages --all --no-location --ignore=.venv --ignore=node_modules
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
