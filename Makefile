# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make demo   set up, generate and build the sample region, then run the service on it
#   make test   set up and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export ACCUEIL_HOME ?= $(CURDIR)/data

.PHONY: install demo test lint bench clean dagster dashboard serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/accueil demo

# Two workers by default (TEST_WORKERS=N to change): each test module runs whole in one
# worker, the longest modules first; the sample warehouse is built once and read by all
# (tests/conftest.py).  Three workers on two cores were slower (18 min 34 s against 17 min 17 s
# for the same tree, one run each, 2026-12-05).
test: install
	$(BIN)/python -m pytest -q -n $(or $(TEST_WORKERS),2) --dist loadgroup --no-loadscope-reorder --durations=20

# The service: dashboards, and the Dagster daemon that publishes every accepted upload
# (PORT=8501 by default; DAGSTER_UI=1 also serves the Dagster UI on port 3000).
serve: install
	$(BIN)/accueil serve --port $(or $(PORT),8501) $(if $(DAGSTER_UI),--with-dagster-ui)

# Only the dashboards, on the last published snapshot (PORT=8501 by default).
dashboard: install
	$(BIN)/accueil dashboard --port $(or $(PORT),8501)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Generate a region, run the real pipeline on it and time it against a bare DuckDB baseline:
# writes bench/results.json and docs/benchmarks.md.  SCALE=region (default) or national; YEARS=1.
bench: install
	$(BIN)/accueil bench --scale $(or $(SCALE),region) --years $(or $(YEARS),1)

clean:
	rm -rf $(VENV) data .pytest_cache bench/work

# The Dagster UI and daemon (`dagster dev`) on the same definitions `accueil build` runs (the dbt
# manifest is prepared first); `make serve DAGSTER_UI=1` is the same inside the service.  umask 077:
# what the daemon and its runs write in the home is owner-only, as under `accueil serve`.
dagster: install
	umask 077 && DAGSTER_HOME=$(ACCUEIL_HOME)/dagster $(BIN)/python -c "from orchestration.build import prepare_manifest; from orchestration.instance import dagster_home; dagster_home(); prepare_manifest()"
	umask 077 && DAGSTER_HOME=$(ACCUEIL_HOME)/dagster ACCUEIL_WAREHOUSE=$(ACCUEIL_HOME)/warehouse.duckdb $(BIN)/dagster dev -m orchestration.definitions
