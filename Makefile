# Lead Funnel Warehouse: `make run` builds the demo warehouse, `make test` checks everything.
# Both create/update the virtual environment in .venv on first use (pinned dependencies).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
LEAD_FUNNEL := $(VENV)/bin/lead-funnel
STAMP := $(VENV)/.installed

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_VERSION_CHECK := false
export LEAD_FUNNEL_DB ?= $(CURDIR)/warehouse/lead_funnel.duckdb
# make test builds into its own database so it never touches the warehouse `make run` made.
TEST_DB := $(CURDIR)/build/test/lead_funnel.duckdb

.PHONY: help setup run test test-dbt test-python lint docs clean lock

# Further targets live in make/*.mk (engines: make test-postgres, test-spark, test-engines; ...).
# A file there adds a check to `make test` with `TEST_EXTRA += target`.
TEST_EXTRA :=
-include $(sort $(wildcard make/*.mk))
# `make` alone lists the targets, whatever the included files define first.
.DEFAULT_GOAL := help

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

setup: $(STAMP) ## create/update .venv from the pinned requirements, with the lead-funnel command

run: setup ## build the demo warehouse end to end and print a funnel summary
	$(LEAD_FUNNEL) run

test: setup lint test-dbt test-python $(TEST_EXTRA) ## every check: lint, dbt build (data + unit tests), pytest, other engines

test-dbt: setup ## dbt seed + build (models, data tests, unit tests) on the demo seeds
	LEAD_FUNNEL_DB=$(TEST_DB) $(DBT) build --full-refresh --target-path build/test/target

# pytest-xdist runs the test files on PYTEST_WORKERS processes, each file whole on one worker
# (--dist loadfile: a module's shared build is made once), the longest files first
# (--no-loadscope-reorder keeps the order tests/conftest.py sets); PYTEST_WORKERS=0 runs them
# in one. --durations lists the slowest tests, to keep that order up to date.
PYTEST_WORKERS ?= 2

test-python: setup ## pytest: the lead_funnel package and end-to-end runs, incl. bad-input files
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=15 tests

# sqlfluff lints the files in one process per core (--processes 0): one process took about
# 6 minutes here, most of it parsing the rendered SQL.
lint: setup ## sqlfluff (dbt templater) and ruff
	$(VENV)/bin/sqlfluff lint --processes 0 models data_tests analyses macros
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests

# The catalog (column types, row counts) is read from the demo warehouse's build database,
# built first when missing; target/static_index.html opens without a server.
docs: setup ## build dbt's documentation site into target/ (index.html, static_index.html)
	@test -f $(LEAD_FUNNEL_DB:.duckdb=.build.duckdb) || $(LEAD_FUNNEL) run
	LEAD_FUNNEL_DB=$(LEAD_FUNNEL_DB:.duckdb=.build.duckdb) $(DBT) docs generate --static

lock: ## re-resolve the transitive pins in constraints.txt from requirements*.txt
	rm -rf build/lock-venv && $(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet -r requirements-dev.txt
	build/lock-venv/bin/pip freeze --exclude-editable > constraints.txt

clean: ## remove build outputs (keeps .venv and the published warehouse)
	rm -rf target build logs dbt_packages
