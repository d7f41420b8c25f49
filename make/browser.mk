# The browser the report is checked in (included by the Makefile; part of `make test`).
#
#   make setup-browser  install Debian's chromium with apt-get when it is missing (as root;
#                       does nothing when chromium is there). tests/test_report.py opens the
#                       report in it headless, checks every chart is drawn and writes the
#                       screenshot docs/report.png; without chromium that test is skipped.
#
# `make test` runs it before pytest (a prerequisite of test-python).


.PHONY: setup-browser

setup-browser: ## install Debian's chromium for the report's browser test (as root, once)
	@if command -v chromium >/dev/null 2>&1; then \
		echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -q chromium || { apt-get update -q && apt-get install -y -q chromium; }; \
	else \
		echo "chromium is missing and cannot be installed here (needs root and apt-get):"; \
		echo "  apt-get install chromium; the report's browser test is skipped until then"; \
	fi

test-python: setup-browser

