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

# Installing: uv when it can (seconds where pip takes a minute), else pip. uv is the one on PATH, or
# bootstrapped from PyPI into the virtualenv with pip; if uv cannot install (offline with only pip's own
# configured mirrors, say), pip does. pyproject.toml declares no packages, so uv installs its
# dependencies (`-r pyproject.toml`) without building the project; pip installs it editable as before.
# --compile-bytecode: pip compiles at install too; without it every first command compiles Django anew.
# $(1): the extra ("dev") or nothing.
define install_deps
	@uv=$$(command -v uv || echo $(BIN)/uv); \
	if [ ! -x "$$uv" ]; then $(PY) -m pip install --quiet --disable-pip-version-check uv >/dev/null 2>&1 || true; fi; \
	if [ -x "$$uv" ] && VIRTUAL_ENV=$(VENV) "$$uv" pip install --quiet --compile-bytecode --python $(PY) -r pyproject.toml $(if $(1),--extra $(1)); \
	then echo "Installed with uv ($$uv)."; \
	else echo "Installing with pip."; $(PY) -m pip install --quiet -e ".$(if $(1),[$(1)])"; fi
endef

$(VENV)/.installed: pyproject.toml | $(PY)
	$(call install_deps,)
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(call install_deps,dev)
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
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
