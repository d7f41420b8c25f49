# Equivalence check, included by the Makefile: every contract model identical, row for row,
# before and after a change (a refactoring must leave what BI users read untouched).
#
#   make check-equivalence                   BEFORE = the latest release tag before HEAD,
#                                            else HEAD~1
#   make check-equivalence BEFORE=v1.4.0     any git revision
#   make check-equivalence BEFORE=build/equivalence/before
#                                            reuse the snapshots an earlier run built
#
# BEFORE is checked out into a temporary git worktree and built with its own pipeline; the
# after side is this working tree as it is (uncommitted changes included). Each side builds
# two scenarios: the demo seeds, and 10k generated leads landed as two daily landings (the
# second built incrementally). The published file of each is snapshot (canonical Parquet and
# a manifest under build/equivalence/{before,after}/{demo,landing10k}) and the two sides are
# diffed: the exit code is 1, naming the model and printing its first differing rows, on any
# difference. The generated raw files are made once into build/equivalence/raw-cache and
# shared by both sides. Six pipeline builds: not part of `make test`.
# More: .venv/bin/lead-funnel compare-builds --help.

BEFORE ?= $(shell git describe --tags --abbrev=0 HEAD^ 2>/dev/null || echo HEAD~1)
EQUIVALENCE_OUT ?= $(CURDIR)/build/equivalence

.PHONY: check-equivalence

check-equivalence: setup ## contract models identical before and after a change (BEFORE=rev)
	$(LEAD_FUNNEL) compare-builds check --before $(BEFORE) \
		--out $(EQUIVALENCE_OUT) --project-dir $(CURDIR)
