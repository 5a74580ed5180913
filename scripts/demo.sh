#!/usr/bin/env bash
# Installs everything and starts the demo on http://127.0.0.1:8000.
# Embedded defaults: SQLite file in var/ and inline Celery tasks, unless DATABASE_URL / REDIS_URL are set.
source "$(dirname "$0")/_venv.sh" requirements.txt
export DEBUG="${DEBUG:-true}"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo
echo
echo "Écoute is starting on http://127.0.0.1:8000/ (Ctrl+C stops it)."
exec .venv/bin/python manage.py runserver "${ECOUTE_DEMO_ADDR:-127.0.0.1:8000}"
