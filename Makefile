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

.PHONY: setup run test dev clean extract-accuracy

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The environment is rebuilt when the lock file changes; bytecode is compiled at install because this
# machine sets PYTHONDONTWRITEBYTECODE=1 (every process would recompile GX, dbt and Dagster otherwise).
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --compile-bytecode
	touch $@

$(DAGSTER_HOME)/dagster.yaml:
	mkdir -p $(DAGSTER_HOME)
	printf 'telemetry:\n  enabled: false\n' > $@

setup: $(VENV)/.synced $(DAGSTER_HOME)/dagster.yaml

run: setup
	$(VENV)/bin/planwatch refresh

test: setup
	$(VENV)/bin/pytest

dev: setup
	$(VENV)/bin/dagster dev -h 127.0.0.1 -p 3000 -m planwatch.definitions

clean:
	rm -rf $(VENV) $(TOOLS) $(DAGSTER_HOME) dbt_project/target dbt_project/logs warehouse/*.duckdb* warehouse/quarantine

# Extract every document in ../shared/seeds and compare with the reviewed tables in raw/plans.
extract-accuracy: setup
	$(VENV)/bin/planwatch extract-accuracy
