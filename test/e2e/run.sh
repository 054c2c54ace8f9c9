#!/bin/sh
# End-to-end tests of the dashboard and GraphiQL in a real browser: Debian's Chromium driven by
# playwright-core (which downloads no browser of its own). Installs chromium when
# it is missing (CI runs as root), rebuilds ui/dist so the test sees the current
# source, then runs the suite.
set -e
cd "$(dirname -- "$0")/../.."
chromium_bin=${AXME_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium_bin" ]; then
  echo "e2e: $chromium_bin is missing; installing Debian's chromium" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n apt-get update -qq && sudo -n apt-get install -y -qq chromium >/dev/null
  else
    echo "e2e: install chromium (apt-get install chromium) or set AXME_CHROMIUM" >&2
    exit 1
  fi
fi
sh scripts/build-ui.sh
exec sh scripts/node.sh node_modules/vitest/vitest.mjs run --config test/e2e/vitest.config.ts "$@"
