# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make demo   set up, generate the sample region, run what is built so far
#   make test   set up and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export ACCUEIL_HOME ?= $(CURDIR)/data

.PHONY: install demo test lint bench clean dagster

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/accueil demo

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) data .pytest_cache

# The Dagster UI on the same definitions `accueil build` runs (the dbt manifest is prepared first).
dagster: install
	DAGSTER_HOME=$(ACCUEIL_HOME)/dagster $(BIN)/python -c "from orchestration.build import prepare_manifest, dagster_home; dagster_home(); prepare_manifest()"
	DAGSTER_HOME=$(ACCUEIL_HOME)/dagster ACCUEIL_WAREHOUSE=$(ACCUEIL_HOME)/warehouse.duckdb $(BIN)/dagster dev -m orchestration.definitions
