#!/usr/bin/env bash
# Refreshes the README's pictures (docs/screenshots: the inbox in English and French, the reply
# flow, the inbox at 800 px, a mention's page, the report at 1280 and 800 px) from the demo data in
# Chromium, through tests/browser/test_screenshots.py. Same environment as
# scripts/test.sh (DATABASE_URL, REDIS_URL, CHROMIUM_PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
SCREENSHOTS_DIR="$PWD/docs/screenshots" exec bash scripts/test.sh tests/browser/test_screenshots.py "$@"
