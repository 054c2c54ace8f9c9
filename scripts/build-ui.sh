#!/bin/sh
# Builds the dashboard (ui/) into ui/dist, which the server serves under /ui.
# `npm install` and `npm ci` run this as the prepare script, so the README's
# commands need no extra step. With --if-possible it skips quietly where the
# build tools are absent (a production install, npm ci --omit=dev).
set -e
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
vite="$here/node_modules/vite/bin/vite.js"
if [ "$1" = "--if-possible" ] && { [ ! -f "$vite" ] || [ ! -f "$here/ui/index.html" ]; }; then
  echo "axme: vite or ui/ is missing; the dashboard is not built (npm run build:ui)" >&2
  exit 0
fi
exec sh "$here/scripts/node.sh" "$vite" build --config "$here/ui/vite.config.ts" --logLevel warn
