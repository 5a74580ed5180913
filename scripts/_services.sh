# Shared by test.sh: makes sure Postgres and Redis answer, starting or installing them if needed.
DEFAULT_DATABASE_URL="postgres://postgres:postgres@127.0.0.1:5432/ecoute"
DEFAULT_REDIS_URL="redis://127.0.0.1:6379/15"

pg_answers() {
  .venv/bin/python - "$DATABASE_URL" <<'PY' 2>/dev/null
import sys, dj_database_url, psycopg2
cfg = dj_database_url.parse(sys.argv[1])
psycopg2.connect(dbname="postgres", user=cfg["USER"], password=cfg["PASSWORD"], host=cfg["HOST"] or None,
                 port=cfg["PORT"] or None, connect_timeout=3).close()
PY
}

redis_answers() {
  .venv/bin/python -c 'import sys, redis; redis.Redis.from_url(sys.argv[1], socket_timeout=3).ping()' "$REDIS_URL" 2>/dev/null
}

start_postgres() {
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    for version in $(ls /etc/postgresql); do
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    done
  fi
}

ensure_postgres() {
  local given="${DATABASE_URL:-}"
  DATABASE_URL="${DATABASE_URL:-$DEFAULT_DATABASE_URL}"
  pg_answers && return 0
  if [ -z "$given" ]; then
    echo "PostgreSQL does not answer on 127.0.0.1:5432; trying to start it..."
    start_postgres
    if ! pg_answers && ! command -v pg_ctlcluster >/dev/null && apt_install postgresql; then
      start_postgres
      # A freshly installed server only allows password logins over TCP: give the
      # postgres role the password of the default DATABASE_URL.
      as_root su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null || true
    fi
    for _ in 1 2 3 4 5 6 7 8 9 10; do pg_answers && return 0; sleep 1; done
  fi
  echo "The tests need PostgreSQL and none answers at $DATABASE_URL." >&2
  echo "Install and start it (Debian/Ubuntu: apt-get install postgresql), or point DATABASE_URL at one:" >&2
  echo "  DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/ecoute bash scripts/test.sh" >&2
  exit 1
}

ensure_redis() {
  local given="${REDIS_URL:-}"
  REDIS_URL="${REDIS_URL:-$DEFAULT_REDIS_URL}"
  redis_answers && return 0
  if [ -z "$given" ]; then
    echo "Redis does not answer on 127.0.0.1:6379; trying to start it..."
    command -v redis-server >/dev/null || apt_install redis-server || true
    if command -v redis-server >/dev/null; then
      mkdir -p /tmp/ecoute-redis
      redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
        --dir /tmp/ecoute-redis --logfile /tmp/ecoute-redis/redis.log >/dev/null || true
    fi
    for _ in 1 2 3 4 5 6 7 8 9 10; do redis_answers && return 0; sleep 1; done
  fi
  echo "The tests need Redis and none answers at $REDIS_URL." >&2
  echo "Install and start it (Debian/Ubuntu: apt-get install redis-server), or point REDIS_URL at one:" >&2
  echo "  REDIS_URL=redis://HOST:6379/15 bash scripts/test.sh" >&2
  exit 1
}

# The browser tests drive Debian's Chromium (Playwright's own browser download can't be used).
ensure_chromium() {
  CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
  [ -x "$CHROMIUM_PATH" ] && return 0
  if ! apt_install chromium; then
    echo "The browser tests need Chromium at $CHROMIUM_PATH. Install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH, and run this again." >&2
    exit 1
  fi
}

# docker-compose.yml is the production path: the tests check it with `docker-compose config`
# from Debian's package. Docker itself is not needed for that.
ensure_compose() {
  command -v docker-compose >/dev/null && return 0
  if ! apt_install docker-compose; then
    echo "The compose file's tests need docker-compose (Debian/Ubuntu: apt-get install docker-compose); they are skipped without it." >&2
  fi
}
