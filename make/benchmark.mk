# Scale benchmark: generated data at 100k and 1M leads, full build, raw-SQL lower
# bound, incremental build after one more day's landing; results in build/benchmark/.
# Not part of `make test` (it takes ~30 min): a benchmark, never a timed test.
BENCH_LEADS ?= 100000 1000000

.PHONY: benchmark

benchmark: setup ## scale benchmark: full vs incremental vs raw-SQL lower bound (BENCH_LEADS="100000 1000000")
	$(PY) scripts/benchmark.py --leads $(BENCH_LEADS)
