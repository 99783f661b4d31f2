#!/usr/bin/env bash
# CI: the browser suite of the ops console (test/e2e/console) drives Debian's `chromium` with
# playwright-core (issue 14). Installs it from apt when missing; never downloads a browser
# from anywhere else. Idempotent.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "install-browser: $(chromium --version 2>/dev/null | tail -1)"
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
echo "install-browser: $(chromium --version 2>/dev/null | tail -1)"
