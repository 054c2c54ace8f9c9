#!/bin/sh
# Builds every package of the repository: the workspaces (`npm run build` in each:
# packages/client into packages/client/dist with tsc, the dashboard into ui/dist
# with Vite), then the server into dist/ with tsc, JavaScript that `npm pack` ships
# (Node does not strip types inside node_modules). `npm install` and `npm ci` run
# this as the prepare script, so a fresh clone is ready; with --if-possible it skips
# quietly where the build tools are absent (npm ci --omit=dev).
set -e
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
cd "$here"
if [ "$1" = "--if-possible" ] && [ ! -f node_modules/typescript/bin/tsc ]; then
  echo "axme: typescript is missing; nothing is built (npm run build)" >&2
  exit 0
fi
npm run --silent build --workspaces
rm -rf dist
exec sh scripts/node.sh node_modules/typescript/bin/tsc -p tsconfig.build.json
