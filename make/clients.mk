# The BI-client check (included by the Makefile; part of `make test`).
#
#   make test-bi-clients  publish the demo warehouse, then open it read-only in the clients BI
#                         tools embed, each in its own pinned environment, and compare every
#                         contract model's row count and checksum with what the project's
#                         duckdb reads (tests/test_bi_clients.py):
#                           .venv-client-duckdb14  duckdb 1.4.x (LTS)      requirements-clients-duckdb14.txt
#                           .venv-client-duckdb15  duckdb 1.5.x            requirements-clients-duckdb15.txt
#                           .venv-client-superset  SQLAlchemy 1.4 + duckdb-engine + pandas.read_sql
#                                                                         requirements-clients-superset.txt
#                           scripts/clients/node   @duckdb/node-api 1.5 (Evidence), `npm ci` from its
#                                                  package-lock.json; skipped with a message without node
#   make setup-bi-clients create/update those environments only


BI_CLIENTS := duckdb14 duckdb15 superset
BI_CLIENT_STAMPS := $(foreach client,$(BI_CLIENTS),.venv-client-$(client)/.installed)
NODE_CLIENT := scripts/clients/node
NODE_CLIENT_STAMP := $(NODE_CLIENT)/node_modules/.installed

.PHONY: setup-bi-clients test-bi-clients

.venv-client-%/.installed: requirements-clients-%.txt
	@test -x .venv-client-$*/bin/python || $(PYTHON) -m venv .venv-client-$*
	.venv-client-$*/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	@touch $@

# node is optional: without it the node client is skipped (the test says so)
$(NODE_CLIENT_STAMP): $(NODE_CLIENT)/package.json $(NODE_CLIENT)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(NODE_CLIENT) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
		echo "node/npm not found: the @duckdb/node-api (Evidence) client will be skipped"; \
	fi

setup-bi-clients: $(BI_CLIENT_STAMPS) $(NODE_CLIENT_STAMP) ## create/update the pinned BI-client environments

test-bi-clients: setup setup-bi-clients ## open a fresh demo publish in duckdb 1.4/1.5, Superset's stack and node
	LEAD_FUNNEL_BI_CLIENTS=1 $(PY) -m pytest -q -rs -p no:cacheprovider tests/test_bi_clients.py

TEST_EXTRA += test-bi-clients

