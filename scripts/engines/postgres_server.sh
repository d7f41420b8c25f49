#!/usr/bin/env bash
# A throwaway local PostgreSQL server for the `postgres` dbt target (make test-postgres).
#
#   postgres_server.sh start         initdb into a temp folder, start on 127.0.0.1:$PORT
#   postgres_server.sh stop          stop it and delete the temp folder
#   postgres_server.sh status        say whether it runs
#   postgres_server.sh run CMD...    start, run CMD, stop (also when CMD fails); CMD's exit code
#
# Installs Debian's `postgresql` package with apt-get when initdb/pg_ctl are missing (root
# only). The server is owned by an unprivileged OS user (initdb refuses root): `postgres`
# when it exists, else `nobody`. The database superuser is $LEAD_FUNNEL_PG_USER with trust
# authentication on the loopback address only, the database uses the C collation (text
# orders byte-wise, as on DuckDB and Spark) and the server's time zone is UTC.
#
# Environment (same names and defaults as the `postgres` output in profiles.yml):
#   LEAD_FUNNEL_PG_PORT (54329), LEAD_FUNNEL_PG_USER (lead_funnel),
#   LEAD_FUNNEL_PG_DBNAME (lead_funnel), LEAD_FUNNEL_PG_STATE (build/postgres/server.env:
#   where the running server's folder is recorded, relative to the current directory),
#   LEAD_FUNNEL_PG_OS_USER (when root: the OS user owning the server; postgres, else nobody).
set -euo pipefail

PORT="${LEAD_FUNNEL_PG_PORT:-54329}"
DB_USER="${LEAD_FUNNEL_PG_USER:-lead_funnel}"
DB_NAME="${LEAD_FUNNEL_PG_DBNAME:-lead_funnel}"
STATE="${LEAD_FUNNEL_PG_STATE:-build/postgres/server.env}"
HOST=127.0.0.1

say() { echo "postgres_server: $*" >&2; }
die() { say "error: $*"; exit 1; }

# Directory holding initdb/pg_ctl: on PATH, else the newest /usr/lib/postgresql/*/bin.
find_bin_dir() {
    local initdb_path
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]]; then
            echo "$candidate"
            return 0
        fi
    done
    if initdb_path=$(command -v initdb) && command -v pg_ctl >/dev/null; then
        dirname "$(readlink -f "$initdb_path")"
        return 0
    fi
    return 1
}

ensure_installed() {
    if BIN_DIR=$(find_bin_dir); then
        return 0
    fi
    [[ $(id -u) -eq 0 ]] || die "initdb/pg_ctl not found. Install PostgreSQL (Debian: sudo apt-get install postgresql) and retry."
    say "initdb/pg_ctl not found: installing Debian's postgresql package"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    BIN_DIR=$(find_bin_dir) || die "postgresql was installed but initdb/pg_ctl are still missing"
}

# Runs a command as the server's OS user (root is refused by initdb and postgres).
RUN_AS=()
choose_user() {
    if [[ $(id -u) -ne 0 ]]; then
        SERVER_USER=$(id -un)
        RUN_AS=()
        return 0
    fi
    if [[ -n "${LEAD_FUNNEL_PG_OS_USER:-}" ]]; then
        SERVER_USER=$LEAD_FUNNEL_PG_OS_USER
    elif id postgres >/dev/null 2>&1; then
        SERVER_USER=postgres
    else
        SERVER_USER=nobody
    fi
    RUN_AS=(runuser -u "$SERVER_USER" --)
}

is_running() {
    [[ -f "$STATE" ]] || return 1
    # shellcheck disable=SC1090
    source "$STATE"
    [[ -n "${PG_DATA:-}" && -d "$PG_DATA" ]] || return 1
    (cd "$PG_BASE" && "${RUN_AS[@]}" "$PG_BIN_DIR/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1)
}

start() {
    ensure_installed
    choose_user
    if is_running; then
        say "already running on $HOST:$PORT (data in $PG_DATA)"
        return 0
    fi
    if "$BIN_DIR/pg_isready" -q -h "$HOST" -p "$PORT" 2>/dev/null; then
        die "another server already listens on $HOST:$PORT. Stop it or set LEAD_FUNNEL_PG_PORT to a free port."
    fi

    local base
    base=$(mktemp -d "${TMPDIR:-/tmp}/lead-funnel-pg.XXXXXX")
    chmod 755 "$base"
    mkdir -p "$base/data" "$base/socket"
    [[ ${#RUN_AS[@]} -eq 0 ]] || chown -R "$SERVER_USER" "$base"
    mkdir -p "$(dirname "$STATE")"
    printf 'PG_BASE=%q\nPG_DATA=%q\nPG_BIN_DIR=%q\nPG_PORT=%q\n' \
        "$base" "$base/data" "$BIN_DIR" "$PORT" >"$STATE"

    say "initdb into $base/data (OS user $SERVER_USER, $("$BIN_DIR/postgres" --version))"
    (cd "$base" && "${RUN_AS[@]}" "$BIN_DIR/initdb" -D "$base/data" -U "$DB_USER" \
        --auth=trust --encoding=UTF8 --locale=C --no-sync >"$base/initdb.log" 2>&1) \
        || { cat "$base/initdb.log" >&2; die "initdb failed (log above)"; }

    # A throwaway test server: durability off, loopback only, UTC.
    local options="-c listen_addresses=$HOST -c port=$PORT -c unix_socket_directories=$base/socket"
    options+=" -c timezone=UTC -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    (cd "$base" && "${RUN_AS[@]}" "$BIN_DIR/pg_ctl" -D "$base/data" -l "$base/server.log" \
        -o "$options" -w -t 60 start >/dev/null) \
        || { tail -n 30 "$base/server.log" >&2; die "the server did not start (log above)"; }

    "$BIN_DIR/createdb" -h "$HOST" -p "$PORT" -U "$DB_USER" "$DB_NAME"
    say "running on $HOST:$PORT, database $DB_NAME, user $DB_USER (data in $base/data)"
}

stop() {
    choose_user
    if [[ ! -f "$STATE" ]]; then
        say "not running (no $STATE)"
        return 0
    fi
    # shellcheck disable=SC1090
    source "$STATE"
    if [[ -d "$PG_DATA" ]]; then
        (cd "$PG_BASE" && "${RUN_AS[@]}" "$PG_BIN_DIR/pg_ctl" -D "$PG_DATA" -m fast -w stop \
            >/dev/null 2>&1) || true
    fi
    case "$PG_BASE" in
        */lead-funnel-pg.*) rm -rf "$PG_BASE" ;;
    esac
    rm -f "$STATE"
    say "stopped"
}

status() {
    choose_user
    if is_running; then
        say "running on $HOST:${PG_PORT} (data in $PG_DATA)"
    else
        say "not running"
        return 1
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    run)
        shift
        [[ "${1:-}" == "--" ]] && shift
        [[ $# -gt 0 ]] || die "usage: $0 run CMD..."
        start
        trap stop EXIT
        trap 'exit 130' INT TERM
        "$@"
        ;;
    *)
        echo "usage: $0 start|stop|status|run CMD..." >&2
        exit 2
        ;;
esac
