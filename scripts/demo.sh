#!/usr/bin/env bash
# Installs everything and serves the demo on http://127.0.0.1:8000/ (ECOUTE_PORT and ECOUTE_BIND
# change where: see scripts/_demo_address.sh).
# Embedded defaults: SQLite file in var/ and inline Celery tasks, unless DATABASE_URL / REDIS_URL are set.
set -euo pipefail
source "$(dirname "$0")/_demo_address.sh"
source "$(dirname "$0")/_venv.sh" requirements.txt
export DEBUG="${DEBUG:-true}"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo
# runserver's own warning says to use a production server instead: the line below says it once.
# One process and no file watcher: the demo is for trying Écoute, not for editing it.
export DJANGO_RUNSERVER_HIDE_WARNING=true
echo
echo "Écoute's demo is starting on $DEMO_URL$DEMO_URL_NOTE (Ctrl+C stops it)."
echo "This is Django's development server, for trying Écoute; for production see README (docker compose)."
exec .venv/bin/python manage.py runserver --noreload "$DEMO_ADDR"
