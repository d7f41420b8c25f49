# The same project on Postgres and Spark (included by the Makefile).
#
#   make test-postgres  dbt build (seeds, models, data and unit tests) on a throwaway local
#                       Postgres: Debian's postgresql, initdb'd into a temp folder, started on
#                       127.0.0.1:$(LEAD_FUNNEL_PG_PORT) and stopped afterwards; then the CRM
#                       adapters from their fixtures (scripts/engines/crm_build.py)
#   make test-spark     dbt build on a local Spark session (dbt-spark's session method, Java 17);
#                       then the CRM adapters from their fixtures, in their own warehouse
#   make test-engines   DuckDB, Spark and Postgres builds, then tests/test_engines.py
#                       compares the contract marts across the three engines
#   make test           runs the Spark and Postgres builds and the comparison too, against
#                       the DuckDB build of test-dbt
#
# Each engine has its own virtual environment (.venv-postgres, .venv-spark), created on first
# use from its pinned requirements file, and its own build folder build/<engine>/ (dbt target,
# logs, and build_seconds: how long the build took). Connection settings: the env vars of the
# `postgres` and `spark` outputs in profiles.yml. Extra dbt arguments: DBT_ARGS, e.g.
# `make test-spark DBT_ARGS="--select +dq_rejected_rows"`.


PG_VENV := .venv-postgres
PG_STAMP := $(PG_VENV)/.installed
PG_DBT := $(PG_VENV)/bin/dbt
SPARK_VENV := .venv-spark
SPARK_STAMP := $(SPARK_VENV)/.installed
SPARK_DBT := $(SPARK_VENV)/bin/dbt
ENGINE_BUILD := scripts/engines/build.sh
CRM_BUILD := scripts/engines/crm_build.py
PG_SERVER := scripts/engines/postgres_server.sh

export LEAD_FUNNEL_PG_PORT ?= 54329
export LEAD_FUNNEL_PG_STATE ?= $(CURDIR)/build/postgres/server.env
export LEAD_FUNNEL_SPARK_DIR ?= $(CURDIR)/build/spark
export LEAD_FUNNEL_ENGINES_DUCKDB ?= $(CURDIR)/build/duckdb/lead_funnel.duckdb
export SPARK_LOCAL_IP ?= 127.0.0.1
# dbt threads on the one local Spark session (profiles.yml defaults to 1): its seeds and models
# overlap, so the demo build took 779 s with 4 threads against 857 s with 1 on 2 cores.
export LEAD_FUNNEL_SPARK_THREADS ?= 4

.PHONY: setup-postgres setup-spark test-postgres test-spark test-engines compare-engines \
	test-engines-after-dbt

$(PG_STAMP): requirements-postgres.txt constraints.txt
	@test -x $(PG_VENV)/bin/python || $(PYTHON) -m venv $(PG_VENV)
	$(PG_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-postgres.txt -c constraints.txt
	@touch $@

$(SPARK_STAMP): requirements-spark.txt constraints.txt
	@test -x $(SPARK_VENV)/bin/python || $(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-spark.txt -c constraints.txt
	@touch $@

setup-postgres: $(PG_STAMP) ## create/update .venv-postgres (dbt-postgres) from its pinned requirements

setup-spark: $(SPARK_STAMP) ## create/update .venv-spark (dbt-spark, pyspark) from its pinned requirements
	@scripts/engines/ensure_java.sh

test-postgres: setup-postgres ## dbt build on a throwaway local Postgres (installed from apt if missing)
	$(PG_SERVER) run -- bash -c '$(ENGINE_BUILD) postgres $(PG_DBT) $(DBT_ARGS) \
		&& $(PG_VENV)/bin/python $(CRM_BUILD) postgres'

test-spark: setup-spark ## dbt build on a local Spark session (needs Java 17)
	$(ENGINE_BUILD) spark $(SPARK_DBT) $(DBT_ARGS)
	$(SPARK_VENV)/bin/python $(CRM_BUILD) spark

# One engine at a time (2 cores): Spark, then Postgres with the comparison while its server
# is up. The DuckDB build is a separate file, so it never touches `make test`'s or `make run`'s.
test-engines: setup ## DuckDB, Spark and Postgres builds, then compare the contract marts
	$(ENGINE_BUILD) duckdb $(DBT) $(DBT_ARGS)
	$(MAKE) --no-print-directory compare-engines
	@echo "build time (s): duckdb $$(cat build/duckdb/build_seconds)"

# Spark and Postgres builds compared with the DuckDB build at $(LEAD_FUNNEL_ENGINES_DUCKDB); then
# the CRM adapters on each (on Postgres after the comparison: they rebuild its staging schema).
compare-engines: setup-postgres setup-spark
	$(ENGINE_BUILD) spark $(SPARK_DBT) $(DBT_ARGS)
	$(SPARK_VENV)/bin/python $(CRM_BUILD) spark
	$(PG_SERVER) run -- bash -c '$(ENGINE_BUILD) postgres $(PG_DBT) $(DBT_ARGS) \
		&& LEAD_FUNNEL_COMPARE_ENGINES=1 $(PG_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/test_engines.py \
		&& $(PG_VENV)/bin/python $(CRM_BUILD) postgres'
	@echo "build times (s): spark $$(cat build/spark/build_seconds), postgres $$(cat build/postgres/build_seconds);" \
		"CRM adapters: spark $$(cat build/spark-crm/build_seconds), postgres $$(cat build/postgres-crm/build_seconds)"

# `make test`: the DuckDB side of the comparison is the build test-dbt just made (same seeds,
# same vars, full refresh), so DuckDB is built once.
test-engines-after-dbt: test-dbt
	$(MAKE) --no-print-directory compare-engines LEAD_FUNNEL_ENGINES_DUCKDB=$(TEST_DB)

TEST_EXTRA += test-engines-after-dbt

