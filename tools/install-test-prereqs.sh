#!/usr/bin/env bash
# Test prerequisites beyond Python, for a fresh Debian machine (run as root, or with sudo):
#   - PostgreSQL server binaries: the status-store tests start a throwaway server of their own;
#   - Node.js and npm: the Data Integrity interop tests run the JavaScript reference implementation.
# `make test` installs the pinned npm packages itself (into interop/node_modules).
set -euo pipefail

need=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  need+=(nodejs npm)
fi
if ((${#need[@]})); then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # the Debian package starts a cluster of its own; the tests do not use it
  if [ -x /usr/sbin/service ]; then $SUDO service postgresql stop >/dev/null 2>&1 || true; fi
fi
echo "test prerequisites present"
