# Analyst tooling, included by the Makefile: the MetricFlow semantic layer.
#
#   make metrics        `mf query` on the demo warehouse: MQL -> SQL rate by channel by month
#                       (cohort month of lead creation); runs the pipeline first when the
#                       warehouse has not been built. Another question:
#                       make metrics MF_QUERY="--metrics pct_decided_within_sla --group-by lead__lead_source"
#
# Semantic models and metrics: models/semantic/_semantic__models.yml; time spine:
# models/semantic/metricflow_time_spine.sql. MetricFlow's CLI reads
# target/semantic_manifest.json under the dbt project directory; to leave the repo's target/
# to dbt, the manifest is parsed into a shadow project (symlinks to the project's files)
# under METRICS_OUT (build/metrics/) and `mf` runs there, against the working build database
# beside the published file (dbt's connection opens it for writing; the published copy is
# read-only). tests/test_metrics.py (make test) runs `make metrics` on its own build,
# checks the answer against the marts and runs `mf validate-configs` against the warehouse.


METRICS_OUT ?= $(CURDIR)/build/metrics
METRICS_PROJECT := $(METRICS_OUT)/project
METRICS_LINKS := dbt_project.yml profiles.yml models macros seeds data_tests analyses
MF := $(CURDIR)/$(VENV)/bin/mf
# The pipeline's working build database beside the published file.
METRICS_DB ?= $(patsubst %.duckdb,%.build.duckdb,$(LEAD_FUNNEL_DB))
MF_QUERY ?= --metrics mql_to_sql_rate,mqls,sqls \
	--group-by metric_time__month,funnel_cohort__lead_source \
	--order metric_time__month,funnel_cohort__lead_source --decimals 3
# Further mf query arguments, e.g. MF_ARGS="--csv out.csv".
MF_ARGS ?=

.PHONY: metrics metrics-manifest

metrics-manifest: setup
	@rm -rf $(METRICS_PROJECT) && mkdir -p $(METRICS_PROJECT)
	@for name in $(METRICS_LINKS); do ln -s $(CURDIR)/$$name $(METRICS_PROJECT)/$$name; done
	LEAD_FUNNEL_DB=$(METRICS_DB) $(DBT) parse --quiet --project-dir $(METRICS_PROJECT) \
		--target-path $(METRICS_PROJECT)/target --log-path $(METRICS_PROJECT)/logs

metrics: setup ## MetricFlow: MQL -> SQL rate by channel by month (MF_QUERY="--metrics ... --group-by ...")
	@test -f $(METRICS_DB) || $(LEAD_FUNNEL) run --db $(METRICS_DB:.build.duckdb=.duckdb)
	@$(MAKE) --no-print-directory metrics-manifest METRICS_DB=$(METRICS_DB)
	cd $(METRICS_PROJECT) && LEAD_FUNNEL_DB=$(METRICS_DB) $(MF) query $(MF_QUERY) $(MF_ARGS)

