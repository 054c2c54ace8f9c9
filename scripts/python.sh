#!/bin/sh
# Runs Python from the project's virtual environment, .axme/venv, with the Python
# SDK (sdk/python, editable) and its pinned development tools installed.
#
# The environment is created the first time (from python3 >= 3.10 on PATH, or
# AXME_PYTHON=/path/to/python) and installed again whenever
# sdk/python/requirements-dev.txt or sdk/python/pyproject.toml changes (a hash of
# both is kept in .axme/venv/.axme-stamp). It says so in one line on stderr.
#
#   sh scripts/python.sh -m pytest sdk/python/tests      # any python arguments
#   sh scripts/python.sh sdk/python/tools/codegen.py     # regenerate the typed client
#   sh scripts/python.sh --venv                          # print the environment's folder
set -e
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
venv="$here/.axme/venv"
sdk="$here/sdk/python"
pins="$sdk/requirements-dev.txt"
stamp="$venv/.axme-stamp"

# A Python of at least 3.10: AXME_PYTHON, else the first one on PATH that is new enough.
find_python() {
  for c in "$AXME_PYTHON" python3 python3.13 python3.12 python3.11 python3.10 python; do
    [ -n "$c" ] || continue
    command -v "$c" >/dev/null 2>&1 || continue
    if "$c" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 10) else 1)' >/dev/null 2>&1; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

# The hash of what the environment was installed from.
wanted() {
  "$1" -c 'import hashlib, sys
h = hashlib.sha256()
for p in sys.argv[1:]:
    h.update(open(p, "rb").read())
print(h.hexdigest())' "$pins" "$sdk/pyproject.toml"
}

ensure_venv() {
  py="$venv/bin/python"
  if [ -x "$py" ] && "$py" -c 'import sys' >/dev/null 2>&1 && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(wanted "$py")" ]; then
    return 0
  fi
  base=$(find_python) || { echo "axme: Python 3.10 or newer is needed for the Python SDK (set AXME_PYTHON=/path/to/python3)" >&2; exit 1; }
  if [ ! -x "$py" ] || ! "$py" -c 'import sys' >/dev/null 2>&1; then
    echo "axme: creating the Python environment .axme/venv from $base ($("$base" --version 2>&1)) and installing the SDK's pinned tools" >&2
    rm -rf "$venv"
    mkdir -p "$here/.axme"
    "$base" -m venv "$venv"
  else
    echo "axme: sdk/python/requirements-dev.txt or pyproject.toml changed; updating .axme/venv" >&2
  fi
  rm -f "$stamp"
  log="$here/.axme/venv-install.log"
  # editable, so the tests and the example run the working tree; hatchling is pinned
  if ! { "$py" -m pip install --disable-pip-version-check -r "$pins" &&
         "$py" -m pip install --disable-pip-version-check --no-deps --no-build-isolation -e "$sdk"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "axme: installing the Python environment failed (the whole log: .axme/venv-install.log)" >&2
    exit 1
  fi
  wanted "$py" > "$stamp"
}

# Two commands starting at once (say, two terminals) must not install over each other.
lock="$here/.axme/venv.lock"
mkdir -p "$here/.axme"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$lock"
  flock 9
  ensure_venv
  flock -u 9
  exec 9>&-
else
  ensure_venv
fi

if [ "$1" = "--venv" ]; then
  echo "$venv"
  exit 0
fi
exec "$venv/bin/python" "$@"
