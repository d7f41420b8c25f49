# Analyst tooling (issue 9), included by the Makefile: the MetricFlow semantic layer.
#
#   make metrics        `mf query` on the demo warehouse: MQL -> SQL rate by channel by month
#                       (cohort month of lead creation); runs `make run` first when the
#                       warehouse has not been built. Another question: make metrics MF_QUERY="..."
#   make test-metrics   the same query against make test's dbt build (part of make test)
#
# Semantic models and metrics: models/semantic/_semantic__models.yml; time spine:
# models/semantic/metricflow_time_spine.sql. MetricFlow's CLI reads
# target/semantic_manifest.json under the dbt project directory; to leave the repo's target/
# to dbt, the manifest is parsed into a shadow project (symlinks to the project's files)
# under build/metrics/ (METRICS_OUT) and `mf` runs there. mf queries the working build database (dbt's
# connection opens it for writing; the published copy is read-only).

# This file is included above the Makefile's first target: keep its default goal (help).
ANALYST_PREVIOUS_GOAL := $(.DEFAULT_GOAL)

METRICS_OUT ?= $(CURDIR)/build/metrics
METRICS_PROJECT := $(METRICS_OUT)/project
METRICS_LINKS := dbt_project.yml profiles.yml models macros seeds tests analyses
MF := $(CURDIR)/$(VENV)/bin/mf
# The pipeline's working build database beside the published file.
METRICS_DB ?= $(patsubst %.duckdb,%.build.duckdb,$(LEAD_FUNNEL_DB))
MF_QUERY ?= --metrics mql_to_sql_rate,mqls,sqls \
	--group-by metric_time__month,funnel_cohort__lead_source \
	--order metric_time__month,funnel_cohort__lead_source --decimals 3

.PHONY: metrics test-metrics metrics-manifest

metrics-manifest: setup
	@rm -rf $(METRICS_PROJECT) && mkdir -p $(METRICS_PROJECT)
	@for name in $(METRICS_LINKS); do ln -s $(CURDIR)/$$name $(METRICS_PROJECT)/$$name; done
	LEAD_FUNNEL_DB=$(METRICS_DB) $(DBT) parse --quiet --project-dir $(METRICS_PROJECT) \
		--target-path $(METRICS_PROJECT)/target --log-path $(METRICS_PROJECT)/logs

metrics: setup ## MetricFlow: MQL -> SQL rate by channel by month (MF_QUERY="--metrics ... --group-by ...")
	@test -f $(METRICS_DB) || $(PY) scripts/pipeline.py run
	@$(MAKE) --no-print-directory metrics-manifest METRICS_DB=$(METRICS_DB)
	cd $(METRICS_PROJECT) && LEAD_FUNNEL_DB=$(METRICS_DB) $(MF) query $(MF_QUERY)

test-metrics: setup ## MetricFlow: semantic manifest validation and the metrics query on make test's build
	@test -f $(TEST_DB) || $(MAKE) --no-print-directory test-dbt
	@$(MAKE) --no-print-directory metrics-manifest METRICS_DB=$(TEST_DB)
	cd $(METRICS_PROJECT) && LEAD_FUNNEL_DB=$(TEST_DB) $(MF) validate-configs --skip-dw
	cd $(METRICS_PROJECT) && LEAD_FUNNEL_DB=$(TEST_DB) $(MF) query --quiet $(MF_QUERY) \
		--csv $(METRICS_OUT)/mql_to_sql_rate.csv
	@$(PY) -c "import csv, sys; rows = list(csv.DictReader(open(sys.argv[1]))); \
		rated = [r for r in rows if r['mql_to_sql_rate']]; \
		assert rated and all(0 <= float(r['mql_to_sql_rate']) <= 1 for r in rated), rows[:5]; \
		print(f'{len(rows)} month x channel rows, {len(rated)} with a rate in [0, 1]')" \
		$(METRICS_OUT)/mql_to_sql_rate.csv

TEST_EXTRA += test-metrics

.DEFAULT_GOAL := $(ANALYST_PREVIOUS_GOAL)
