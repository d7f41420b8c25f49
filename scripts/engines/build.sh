#!/usr/bin/env bash
# One clean, timed `dbt build` of the project on one engine (make test-postgres, test-spark,
# test-engines).
#
#   build.sh ENGINE DBT [extra dbt args...]     ENGINE: duckdb | postgres | spark
#
# Everything lands in build/ENGINE/ (target, logs, and build_seconds: the wall time of the
# build); the engine's previous build is removed first (DuckDB file, Spark warehouse and
# metastore), so every run starts from the seeds. Postgres must be running already
# (scripts/engines/postgres_server.sh). Exit code: dbt's.
set -euo pipefail

engine="${1:?usage: build.sh duckdb|postgres|spark DBT [dbt args...]}"
dbt="${2:?usage: build.sh duckdb|postgres|spark DBT [dbt args...]}"
shift 2

project_dir="$(cd "$(dirname "$0")/../.." && pwd)"
out="$project_dir/build/$engine"
mkdir -p "$out"
export DBT_PROFILES_DIR="${DBT_PROFILES_DIR:-$project_dir}"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false

case "$engine" in
    duckdb)
        target=dev
        export LEAD_FUNNEL_DB="${LEAD_FUNNEL_ENGINES_DUCKDB:-$out/lead_funnel.duckdb}"
        rm -f "$LEAD_FUNNEL_DB" "$LEAD_FUNNEL_DB.wal"
        ;;
    postgres)
        target=postgres
        ;;
    spark)
        target=spark
        export LEAD_FUNNEL_SPARK_DIR="${LEAD_FUNNEL_SPARK_DIR:-$out}"
        export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
        rm -rf "$LEAD_FUNNEL_SPARK_DIR/warehouse" "$LEAD_FUNNEL_SPARK_DIR/derby"
        mkdir -p "$LEAD_FUNNEL_SPARK_DIR/derby"
        ;;
    *)
        echo "build.sh: unknown engine '$engine' (duckdb, postgres or spark)" >&2
        exit 2
        ;;
esac

cd "$project_dir"
start=$(date +%s)
status=0
"$dbt" build --full-refresh --target "$target" \
    --target-path "$out/target" --log-path "$out/logs" "$@" || status=$?
seconds=$(($(date +%s) - start))
echo "$seconds" >"$out/build_seconds"
if [[ $status -eq 0 ]]; then
    echo "== $engine: dbt build passed in ${seconds} s"
else
    echo "== $engine: dbt build FAILED (exit $status) after ${seconds} s; log: $out/logs/dbt.log" >&2
fi
exit "$status"
