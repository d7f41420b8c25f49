# Scale benchmark: generated data at 100k and 1M leads, full build, raw-SQL lower
# bound, incremental build after one more day's landing; results in build/benchmark/.
# Not part of `make test`: a benchmark, never a timed test.
BENCH_LEADS ?= 100000 1000000

.PHONY: benchmark

benchmark: setup ## scale benchmark: full vs incremental vs raw-SQL lower bound (BENCH_LEADS="100000 1000000")
	$(LEAD_FUNNEL) benchmark --leads $(BENCH_LEADS)
