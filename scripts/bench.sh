#!/usr/bin/env bash
# Runs one benchmark from a fresh clone: installs requirements-bench.txt (Locust included) into
# .venv, makes sure Postgres and Redis answer (started or installed when needed), creates and
# migrates the bench database, then runs `manage.py bench "$@"`.
#   bash scripts/bench.sh load          # docs/benchmarks.md, "Load"
#   bash scripts/bench.sh webhook       # docs/benchmarks.md, "Webhook to queue"
# The bench database (ecoute_bench unless DATABASE_URL says otherwise) keeps its seeded mentions
# for the next run; the bench empties the Celery queue of its Redis database (14 by default).
source "$(dirname "$0")/_venv.sh" requirements-bench.txt
source scripts/_services.sh
given_database="${DATABASE_URL:-}" given_redis="${REDIS_URL:-}"
ensure_postgres  # starts the local server when nothing was given
ensure_redis
DATABASE_URL="${given_database:-postgres://postgres:postgres@127.0.0.1:5432/ecoute_bench}"
REDIS_URL="${given_redis:-redis://127.0.0.1:6379/14}"
.venv/bin/python - "$DATABASE_URL" <<'PY'
import sys, dj_database_url, psycopg2
cfg = dj_database_url.parse(sys.argv[1])
conn = psycopg2.connect(dbname="postgres", user=cfg["USER"], password=cfg["PASSWORD"], host=cfg["HOST"] or None,
                        port=cfg["PORT"] or None)
conn.autocommit = True
with conn.cursor() as cursor:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
    if not cursor.fetchone():
        cursor.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
PY
# This process only seeds and directs; gunicorn and the workers it starts run with DEBUG off.
export DATABASE_URL REDIS_URL DEBUG="${DEBUG:-true}"
.venv/bin/python manage.py migrate --noinput -v0
exec .venv/bin/python manage.py bench "$@"
