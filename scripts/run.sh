#!/usr/bin/env bash
# Local demo: the web server, a Celery worker and Celery beat on demo data.
#
#   scripts/run.sh         the portal as a partner sees it (`make run`): DEBUG off, the portal's own
#                          404/500 pages, static files collected into var/staticfiles and served by WhiteNoise
#   scripts/run.sh --dev   for developers (`make dev`): DEBUG on (Django's debug pages), code reloaded on change
#
#   PORT=8080 scripts/run.sh for another port.
#
# The database is the settings' default, an SQLite file in var/, unless DATABASE_URL is set.
# Redis is a private, memory-only instance on a free loopback port. Ctrl-C (or TERM) stops
# all of it; if any one service dies, the others are stopped too.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

case "${1:-}" in
  "") mode=run ;;
  --dev) mode=dev ;;
  *) echo "usage: scripts/run.sh [--dev]" >&2; exit 2 ;;
esac

unset PYTHONDONTWRITEBYTECODE   # makes every Django start about 4x slower; see the Makefile
if [ "$mode" = dev ]; then
  export DEBUG=1
  runserver_args=()
else
  # Set here, not left to .env or the shell: what `make run` shows is what a partner sees.
  export DEBUG=0
  runserver_args=(--noreload)
  # With DEBUG off the settings require a secret key: `make install` writes this checkout's own into .env.
  if [ -z "${SECRET_KEY:-}" ] && ! grep -qs '^SECRET_KEY=.' .env; then
    echo "No SECRET_KEY: run 'make install' (it writes one into .env) or export SECRET_KEY." >&2
    exit 1
  fi
fi
PORT=${PORT:-8000}
export PORTAL_BASE_URL="http://127.0.0.1:$PORT"   # the signing links in emails point at this server
py=.venv/bin/python
mkdir -p var

tmp=$(mktemp -d)
pids=()

cleanup() {
  set +e
  trap '' INT TERM              # a second Ctrl-C must not cut the cleanup short
  # Each service runs in its own process group (set -m below): signalling the group also
  # reaches runserver's autoreloader child and the Celery pool processes.
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
  # Give them 10 s to stop (the worker finishes its current task), then kill what is left.
  local pid alive
  for _ in $(seq 100); do
    alive=
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ -n "$alive" ] || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; done
  stop_redis
  rm -rf "$tmp"
  echo "stopped"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_redis "$tmp"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"

"$py" manage.py migrate --noinput
"$py" manage.py load_demo
if [ "$mode" = run ]; then
  # WhiteNoise serves what is collected in STATIC_ROOT (it reads the folder once, at start).
  "$py" manage.py collectstatic --noinput -v 0
fi

set -m   # job control: every background job gets its own process group
"$py" manage.py runserver "${runserver_args[@]}" "127.0.0.1:$PORT" &
pids+=($!)
# Two pool processes are plenty for a demo (the default is one per CPU, all on one SQLite file).
.venv/bin/celery -A hwaas_portal worker -l info --concurrency 2 &
pids+=($!)
.venv/bin/celery -A hwaas_portal beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler &
pids+=($!)
set +m

# Print the banner once the server answers, so it is not lost in the start-up logs.
for _ in $(seq 100); do
  (: >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.2
done
cat <<BANNER

  HWaaS Partner Portal   http://127.0.0.1:$PORT/
  admin                  http://127.0.0.1:$PORT/admin/
  API docs               http://127.0.0.1:$PORT/api/docs/

  partner logins (password demo-pass-2026):  it-admin  it-sales  uk-admin  uk-sales
  staff login:                               staff / demo-pass-2026

  $(if [ "$mode" = dev ]; then echo "DEBUG on, code reloads on change (make dev)."; else echo "As a partner sees it: DEBUG off (make dev to debug)."; fi)
  Redis on 127.0.0.1:$REDIS_PORT.  Ctrl-C stops everything.

BANNER

# Stay until any service exits (or a signal arrives), then stop the rest.
set +e
wait -n
status=$?
echo "a service exited with status $status; stopping the others" >&2
exit "$status"
