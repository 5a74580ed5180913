#!/usr/bin/env bash
# Refreshes the README's inbox pictures (docs/screenshots/queue.png, queue-fr.png, mention.png)
# from the demo data in Chromium, through tests/browser/test_screenshots.py. Same environment as
# scripts/test.sh (DATABASE_URL, REDIS_URL, CHROMIUM_PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
SCREENSHOTS_DIR="$PWD/docs/screenshots" exec bash scripts/test.sh tests/browser/test_screenshots.py "$@"
