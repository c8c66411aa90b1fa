# The two commands of the README: `make run` and `make test`. Each one creates the
# virtual environment and installs what the project needs when that is missing or
# pyproject.toml has changed, so a fresh clone needs nothing but Python 3.11+.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

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

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

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
