#!/bin/sh
# The Python SDK's checks, in order: the generated client is up to date, ruff (lint and
# format), mypy --strict, and pytest against a real server (src/main.ts, started by the
# tests: embedded PGlite, or PostgreSQL + Redis when DATABASE_URL / REDIS_URL are set).
# The Python environment (.axme/venv) is created or updated first by scripts/python.sh.
#
#   sh scripts/test-python.sh                       # everything (npm run test:python)
#   sh scripts/test-python.sh -m 'not wheel'        # arguments go to pytest
#   sh scripts/test-python.sh tests/test_waits.py   # paths are relative to sdk/python
#
# Needs node_modules (npm ci) for the server.
set -e
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
venv=$(sh "$here/scripts/python.sh" --venv)
cd "$here/sdk/python"

echo "== python sdk: generated client (sdk/python/tools/codegen.py --check)"
"$venv/bin/python" tools/codegen.py --check

echo "== python sdk: ruff"
"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .

echo "== python sdk: mypy --strict"
"$venv/bin/mypy" --strict

echo "== python sdk: pytest"
exec "$venv/bin/python" -m pytest "$@"
