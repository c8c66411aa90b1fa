# The two commands of the README: `make run` and `make test`. Each one creates the
# virtual environment and installs what the project needs when that is missing or
# pyproject.toml has changed, so a fresh clone needs nothing but Python 3.11+.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` serves the product as it is: Django's debug pages off (`make run
# DJANGO_DEBUG=true` turns them on), the address served allowed, e-mails linking to it,
# and only warnings logged. Each can be overridden from the environment.
DJANGO_DEBUG ?= false
LISTENS_EVERYWHERE := $(filter 0.0.0.0 0 ::,$(HOST))
DJANGO_ALLOWED_HOSTS ?= $(if $(LISTENS_EVERYWHERE),*,localhost,127.0.0.1,[::1],$(HOST))
DJANGO_SITE_URL ?= http://$(if $(LISTENS_EVERYWHERE),localhost,$(HOST)):$(PORT)
DJANGO_LOG_LEVEL ?= WARNING
RUN_ENV = DJANGO_DEBUG=$(DJANGO_DEBUG) DJANGO_ALLOWED_HOSTS='$(DJANGO_ALLOWED_HOSTS)' \
	DJANGO_SITE_URL=$(DJANGO_SITE_URL) DJANGO_LOG_LEVEL=$(DJANGO_LOG_LEVEL)
# Reloading on every saved file is for development, with debug on.
RELOAD = $(if $(filter true True 1 yes on,$(DJANGO_DEBUG)),,--noreload)

.PHONY: install lock run test screenshots lint format bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# The exact versions in requirements/dev.txt (made from pyproject.toml by `make lock`),
# so every machine and CI run tests the same thing. uv installs them in a few seconds
# where pip takes half a minute or more; pip is the fallback when uv cannot be had.
$(INSTALLED): requirements/dev.txt | $(PY)
	@if $(PY) -m pip install --quiet --no-compile --disable-pip-version-check uv; then \
		$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements/dev.txt; \
	else \
		$(PY) -m pip install --quiet --no-compile --disable-pip-version-check -r requirements/dev.txt; \
	fi
	@touch $@

install: $(INSTALLED)

# After a change to the dependencies in pyproject.toml: pin their newest versions.
lock: $(INSTALLED)
	$(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 pyproject.toml \
		-o requirements/production.txt
	$(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 pyproject.toml \
		--extra dev -o requirements/dev.txt

# Quietly: the migrations and the demo say nothing unless something fails, and the
# server prints where the site is and the demo logins, last.
run: install
	@echo "Preparing the database and the demo..."
	@$(RUN_ENV) $(PY) manage.py migrate --noinput --verbosity 0
	@$(RUN_ENV) $(PY) manage.py seed_demo --verbosity 0
	@$(RUN_ENV) $(PY) manage.py serve_demo $(HOST):$(PORT) $(RELOAD)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# The browser tests again, writing the README's pictures into docs/screenshots/; a plain
# test run writes nothing into the working tree.
screenshots: install
	SCREENSHOTS=1 $(PY) -m pytest tests/browser -p no:cacheprovider

# mypy reads its configuration, and which packages to check, from pyproject.toml.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
