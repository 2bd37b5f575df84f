# planwatch — two commands on a fresh machine with Python 3.11 and make:
#   make run    set everything up from uv.lock and run the full refresh on the bundled raw/ data
#   make test   run the tests
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_COMPILE_BYTECODE := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)
export DAGSTER_HOME ?= $(CURDIR)/.dagster

.PHONY: setup run test test-fast lint dev clean extract-accuracy docs rollback browser bench shared-up shared-down bi-setup bi test-bi

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The environment is rebuilt when the lock file changes; bytecode is compiled at install because this
# machine sets PYTHONDONTWRITEBYTECODE=1 (every process would recompile GX, dbt and Dagster otherwise).
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --compile-bytecode
	touch $@

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp orchestration/dagster.yaml $@

setup: $(VENV)/.synced $(DAGSTER_HOME)/dagster.yaml

run: setup
	$(VENV)/bin/planwatch refresh

# One pytest worker per core (pytest-xdist), each taking whole modules, so that a module's shared build is made once;
# in the order tests/conftest.py gives them (slow modules first), not xdist's default of the most tests first.
PYTEST_PARALLEL ?= -n auto --dist loadfile --no-loadscope-reorder

# Everything but the BI tool's module, which has its own environment and command (test-bi; CI runs both).
test: setup browser
	$(VENV)/bin/pytest $(PYTEST_PARALLEL) -m "not bi"

# The unit-level tier (no refresh, no server): under a minute.
test-fast: setup
	$(VENV)/bin/pytest $(PYTEST_PARALLEL) -m "not integration and not faults"

# ruff (lint and format check) on the Python, sqlfluff (dbt templater: each model as dbt compiles it) on the models.
# The templater connects to a scratch database, never to the warehouse.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PLANWATCH_BUILD=$$(mktemp -d)/lint.duckdb $(VENV)/bin/sqlfluff lint dbt_project/models

# Headless Chromium and CJK fonts, for the test that renders the HTML report (Debian packages; needs root).
# Best effort: without them that one test is skipped outside CI and fails in CI.
browser:
	-@command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q . || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		chromium fonts-noto-cjk)

# The shared store on one machine (docs/scale-out.md): a PostgreSQL server of its own in warehouse/shared/postgres,
# on 127.0.0.1, for DuckLake's catalog; the lake's files in warehouse/shared/lake. Prints how to refresh into it.
shared-up: setup
	$(VENV)/bin/python -m planwatch.local_postgres up warehouse/shared/postgres

shared-down: setup
	$(VENV)/bin/python -m planwatch.local_postgres down warehouse/shared/postgres

# Apache Superset in its own environment (bi/superset/uv.lock), on the published warehouse, read-only.
BI_VENV := $(CURDIR)/bi/superset/.venv

$(BI_VENV)/.synced: bi/superset/uv.lock bi/superset/pyproject.toml | $(UV)
	UV_PROJECT_ENVIRONMENT=$(BI_VENV) $(UV) sync --frozen --compile-bytecode --directory bi/superset
	touch $@

bi-setup: $(BI_VENV)/.synced

# Superset on http://127.0.0.1:8088 (admin / admin) with the planwatch dashboard; `make run` publishes the warehouse first.
bi: setup bi-setup
	@test -f warehouse/planwatch.duckdb || $(VENV)/bin/planwatch refresh
	$(BI_VENV)/bin/python bi/superset/serve.py

# Starts Superset on a free port, asks its API, compares with the same SQL on the warehouse, during a refresh too.
test-bi: setup bi-setup
	$(VENV)/bin/pytest -m bi tests/test_superset.py

dev: setup
	$(VENV)/bin/dagster dev -h 127.0.0.1 -p 3000 -m planwatch.definitions

clean:
	rm -rf $(VENV) $(TOOLS) $(DAGSTER_HOME) dbt_project/target dbt_project/logs warehouse/*.duckdb* warehouse/quarantine

# Extract every document in ../shared/seeds and compare with the reviewed tables in raw/plans.
extract-accuracy: setup
	$(VENV)/bin/planwatch extract-accuracy

# dbt's documentation site for every model and column (one self-contained file: warehouse/docs/static_index.html).
docs: setup
	cd dbt_project && PLANWATCH_BUILD=$(CURDIR)/warehouse/.build/planwatch.duckdb ../$(VENV)/bin/dbt docs generate \
		--static --profiles-dir . --target-path $(CURDIR)/warehouse/docs
	@echo "open warehouse/docs/static_index.html"

# Publish the previous kept version of the warehouse again.
rollback: setup
	$(VENV)/bin/planwatch rollback

# National-scale synthetic corpus: full and incremental refresh, analyst queries and the bare-engine floor;
# writes BENCHMARKS.md. BENCH_ARGS="--regions 200" for a quick sample.
bench: setup
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)
