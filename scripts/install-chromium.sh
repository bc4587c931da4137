#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/e2e), only when /usr/bin/chromium is missing.
# Idempotent: runs apt-get update only when the package cannot be found in the current lists.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi

sudo=''
if [ "$(id -u)" -ne 0 ]; then sudo='sudo'; fi
export DEBIAN_FRONTEND=noninteractive

if ! apt-cache show chromium >/dev/null 2>&1; then
  $sudo apt-get update
fi
$sudo apt-get install -y --no-install-recommends chromium
/usr/bin/chromium --version
