#!/usr/bin/env bash
# Headless chromium for tests/test_serve_browser.py (Debian's package; the test skips without it).
# Installs only where it can: as root with apt-get. Never fails the caller.
set -uo pipefail
for b in chromium chromium-browser google-chrome google-chrome-stable; do
  command -v "$b" >/dev/null 2>&1 && exit 0
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium for the browser test (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; then
    exit 0
  fi
  echo "warning: could not install chromium: the browser test will be skipped" >&2
else
  echo "note: chromium not installed (apt-get install chromium): the browser test will be skipped" >&2
fi
exit 0
