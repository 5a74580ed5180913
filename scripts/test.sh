#!/usr/bin/env bash
# Installs everything and runs the whole test suite on real Postgres and Redis.
# Uses DATABASE_URL / REDIS_URL when set; otherwise the local servers, started or
# installed (as root, with apt-get) when needed.
source "$(dirname "$0")/_venv.sh" requirements-test.txt
if [ "$SCORER_BUILT" != 1 ]; then
  echo "The tests check the classifier's compiled scoring loop: install a C compiler and Python's headers (Debian/Ubuntu: apt-get install gcc python3-dev) and run this again." >&2
  exit 1
fi
source scripts/_services.sh
ensure_postgres
ensure_redis
ensure_chromium
ensure_compose
export DATABASE_URL REDIS_URL CHROMIUM_PATH
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "pytest collected no tests: that is a failure here." >&2
  exit 1
fi
exit "$status"
