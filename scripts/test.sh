#!/usr/bin/env bash
# Install what the tests need (Debian's PostgreSQL and Chromium, the Python test extras) and run
# the whole suite: lint, then every test on SQLite, then every test on a real PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
[ -x /usr/sbin/nginx ] || need="$need nginx"   # tests/core/test_deploy.py runs nginx -t on deploy/nginx
if [ -n "$need" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
fi
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# xstatic-bootstrap's sdist needs setuptools < 81 to build (pip >= 25.3 reads this variable)
PIP_BUILD_CONSTRAINT="$PWD/scripts/build-constraints.txt" .venv/bin/python -m pip install --quiet -e '.[test]'
export PATH="$PWD/.venv/bin:$PATH"
echo "== lint (ruff)"
ruff check .
echo "== catalogs (French and English complete)"
maillage i18n check
echo "== tests on SQLite"
pytest -n 2 -q "$@"
echo "== tests on PostgreSQL"
MAILLAGE_TEST_POSTGRES=1 pytest -n 2 -q -m "not e2e" "$@"
