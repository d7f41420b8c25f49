# Scale benchmark: generated data at 100k and 1M leads, full build, the essential-pass floor
# and the raw-SQL lower bound, one-day and two-day landings (from the same full build);
# results in build/benchmark/.
# Not part of `make test`: a benchmark, never a timed test.
BENCH_LEADS ?= 100000 1000000

.PHONY: benchmark

benchmark: setup ## scale benchmark: full vs one- and two-day landings vs floor and lower bound (BENCH_LEADS="100000 1000000")
	$(LEAD_FUNNEL) benchmark --leads $(BENCH_LEADS)
