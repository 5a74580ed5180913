# Shared by demo.sh and test.sh: finds Python 3.11+, creates .venv and installs a requirements file.
# Usage: source scripts/_venv.sh requirements.txt
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  command -v apt-get >/dev/null || return 1
  echo "Installing $* with apt-get..."
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

find_python() {
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

PYTHON=$(find_python || true)
if [ -z "$PYTHON" ]; then
  apt_install python3 python3-venv python3-pip || true
  PYTHON=$(find_python || true)
fi
if [ -z "$PYTHON" ]; then
  echo "Écoute needs Python 3.11 or newer with the venv module. Install it (Debian/Ubuntu: apt-get install python3 python3-venv) and run this again." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  rm -rf .venv
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>/dev/null || true
echo "Installing Python packages from $1..."
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$1" 2> >(grep -v "is ignored: it is neither" >&2)

# The classifier's compiled scoring loop (about twice as fast as numpy alone). It needs a C
# compiler and Python's headers; SCORER_BUILT says whether it could be built.
build_scorer() { .venv/bin/python scripts/build_scorer.py >/dev/null 2>"${TMPDIR:-/tmp}/ecoute-scorer-build.log"; }
SCORER_BUILT=1
if ! build_scorer; then
  apt_install gcc libc6-dev "python3-dev" >/dev/null 2>&1 || true
  if ! build_scorer; then
    SCORER_BUILT=0
    echo "Could not compile the classifier's scoring loop (no C compiler or Python headers?): the classifier will run on numpy alone, about half as fast. Compiler output: ${TMPDIR:-/tmp}/ecoute-scorer-build.log" >&2
  fi
fi
