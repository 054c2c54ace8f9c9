#!/bin/sh
# The official MCP conformance suite (@modelcontextprotocol/conformance, server mode)
# against /mcp of a development server (embedded database in memory, on 127.0.0.1).
# Scenarios that need the suite's fixture server (its test_* tools, prompts,
# test://... resources, logging, completions) fail by design and are listed in
# test/mcp-conformance-baseline.yml; the suite exits non-zero on any other failure,
# and on a listed scenario that starts passing (a stale baseline).
#
#   npm run test:mcp-conformance          (PORT defaults to 43917)
set -eu
cd "$(dirname -- "$0")/.."
port=${AXME_CONFORMANCE_PORT:-43917}
out=.axme/conformance
mkdir -p "$out"
sh bin/axme dev --memory --host 127.0.0.1 --port "$port" >"$out/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT INT TERM
i=0
until sh scripts/node.sh -e "fetch('http://127.0.0.1:$port/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" 2>/dev/null; do
  i=$((i + 1))
  [ "$i" -lt 60 ] || { echo "mcp-conformance: the server did not start (see $out/server.log)" >&2; exit 1; }
  sleep 0.5
done
root=$(pwd)
cd "$out"
sh "$root/scripts/node.sh" "$root/node_modules/@modelcontextprotocol/conformance/dist/index.js" server \
  --url "http://localhost:$port/mcp" --expected-failures "$root/test/mcp-conformance-baseline.yml"
