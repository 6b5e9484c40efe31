#!/bin/sh
# Install the pinned JavaScript libraries the interop tests run against (into interop/node_modules).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v npm >/dev/null 2>&1; then
  echo "interop/install.sh: npm not found; the interop tests will be skipped where node is absent" >&2
  exit 0
fi
npm ci --prefix "$here" --no-audit --no-fund
