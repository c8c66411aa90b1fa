# The two commands of the README: `make run` and `make test`. Each one creates the
# virtual environment and installs what the project needs when that is missing or
# pyproject.toml has changed, so a fresh clone needs nothing but Python 3.11+.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# uv installs this stack in a few seconds where pip takes half a minute or more;
# pip is the fallback when uv cannot be had.
$(INSTALLED): pyproject.toml | $(PY)
	@if $(PY) -m pip install --quiet --no-compile --disable-pip-version-check uv; then \
		$(VENV)/bin/uv pip install --quiet --python $(PY) -r pyproject.toml --extra dev; \
	else \
		$(PY) -m pip install --quiet --no-compile --disable-pip-version-check -e ".[dev]"; \
	fi
	@touch $@

install: $(INSTALLED)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
