#!/usr/bin/env bash
# Lint and test against a throwaway PostgreSQL 15 cluster and Redis server, then again on SQLite.
#
#   scripts/test.sh [pytest args...]
#
# Both servers live in a temp dir on free loopback ports, so runs never clash with each other
# or with a system-wide server. The EXIT trap stops both and removes the dir whatever happens
# (failure, Ctrl-C, TERM). All steps run; the exit status is that of the first one that failed.
# TEST_CMD="..." replaces the steps with one shell command (to poke at the servers by hand).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

# Makes every Django start recompile all modules (about 4x slower); see the Makefile.
unset PYTHONDONTWRITEBYTECODE

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

tmp=$(mktemp -d)
chmod 755 "$tmp"            # mktemp makes it 0700; the postgres user must reach its data dir inside
pgdata=$tmp/pg

# PostgreSQL refuses to run as root: then run its tools as the postgres user, from a directory
# that user can read (the checkout may live in root's home).
as_pg() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

cleanup() {
  set +e
  trap '' INT TERM          # a second Ctrl-C must not cut the cleanup short
  if [ -f "$pgdata/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null
  fi
  stop_redis
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- PostgreSQL: trust auth, loopback only, socket in the data dir, no durability (tests only) ---
mkdir "$pgdata"
[ "$(id -u)" != 0 ] || chown postgres:postgres "$pgdata"
as_pg "$PG_BIN/initdb" -D "$pgdata" -U postgres --auth=trust --no-sync -E UTF8 --no-locale >/dev/null
PG_PORT=$(free_port)
if ! as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 start \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $pgdata -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null; then
  echo "PostgreSQL did not start:" >&2
  cat "$pgdata/server.log" >&2
  exit 1
fi
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres hwaas

# --- Redis ---
start_redis "$tmp"

# pytest-django creates and drops its own test_hwaas next to hwaas.
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/hwaas"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DJANGO_ALLOW_ASYNC_UNSAFE=true    # browser tests touch the database from Playwright's event loop
export SECRET_KEY="${SECRET_KEY:-test-only-not-a-secret}"   # required when DEBUG is off, as in tests
export PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://testserver}"   # required when DEBUG is off, as in tests
echo "PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT"

status=0
step() {
  echo "==> $*"
  "$@" || { local rc=$?; [ "$status" != 0 ] || status=$rc; echo "==> failed ($rc): $*"; }
}

if [ -n "${TEST_CMD:-}" ]; then
  step bash -c "$TEST_CMD"
else
  step .venv/bin/ruff check .
  step .venv/bin/lint-imports
  step .venv/bin/python manage.py makemigrations --check --dry-run
  step .venv/bin/pytest -m "not embedded" "$@"
  # `make run` serves the embedded SQLite database: the suite runs there too, but for the tests of
  # PostgreSQL itself (row-lock races, triggers, table statistics).
  step env -u DATABASE_URL .venv/bin/pytest -m "not postgresql and not concurrency" "$@"
fi
exit "$status"
