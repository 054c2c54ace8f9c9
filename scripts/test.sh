#!/bin/sh
# `npm test`: every test of the project, TypeScript (vitest) then Python (the SDK's
# codegen check, ruff, mypy --strict and pytest), on the embedded backend, or on
# PostgreSQL + Redis when DATABASE_URL / REDIS_URL are set. Both always run; the exit
# status fails if either did.
#
#   npm test                           # everything
#   npm test -- test/network.test.ts   # with arguments: those vitest files only
#   npm run test:python -- -k waits    # the Python side alone
set -e
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
cd "$here"
vitest="node_modules/vitest/vitest.mjs"
if [ $# -gt 0 ]; then exec sh scripts/node.sh "$vitest" run "$@"; fi
status=0
sh scripts/node.sh "$vitest" run || status=$?
sh scripts/test-python.sh || status=$?
exit $status
