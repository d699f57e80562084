#!/usr/bin/env bash
# Install maillage in .venv, create the database, the demo sites and an administrator, then serve.
# Usage: ./scripts/start.sh [--port 8000]   (prints the address and the administrator's credentials)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=8000
if [ "${1:-}" = "--port" ] && [ -n "${2:-}" ]; then PORT="$2"; fi
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# xstatic-bootstrap's sdist needs setuptools < 81 to build (pip >= 25.3 reads this variable)
export PIP_BUILD_CONSTRAINT="$PWD/scripts/build-constraints.txt"
.venv/bin/python -m pip install --quiet -e .
if [ ! -f var/maillage.db ] && [ -z "${DATABASE_URL:-}" ]; then
  .venv/bin/maillage init --demo --port "$PORT"
else
  .venv/bin/maillage migrate
  echo "maillage is already initialised; sign in with the administrator account printed the first time"
  echo "(or create another: .venv/bin/maillage createadmin you@example.org)"
fi
echo "serving on http://localhost:$PORT/  (the small association site is on http://asso.localhost:$PORT/)"
exec .venv/bin/maillage run --port "$PORT"
