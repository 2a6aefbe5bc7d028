# Helpers shared by scripts/test.sh and scripts/run.sh (sourced, not run).

# A free TCP port on the loopback interface: bind to port 0 and let the kernel choose.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# True while process $1 exists and is not a zombie (a daemon's zombie lingers until init reaps it).
is_running() {
  [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# Start a private, memory-only Redis on a free loopback port; its pid file and log go to $1.
# Sets REDIS_PORT and REDIS_DIR. Nothing is ever written to disk (--save '', no AOF).
start_redis() {
  REDIS_DIR=$1
  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
    --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
  for _ in $(seq 100); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "redis-server did not start:" >&2
  cat "$REDIS_DIR/redis.log" >&2 || true
  return 1
}

# Stop the Redis started above and wait until the process is really gone
# (shutdown returns before the daemon has exited); kill it if it hangs.
stop_redis() {
  [ -n "${REDIS_PORT:-}" ] || return 0
  local pid
  pid=$(cat "$REDIS_DIR/redis.pid" 2>/dev/null || true)
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  if [ -n "$pid" ]; then
    for _ in $(seq 50); do is_running "$pid" || break; sleep 0.1; done
    is_running "$pid" && kill -KILL "$pid" 2>/dev/null
  fi
  REDIS_PORT=
}
