#!/usr/bin/env bash
# Browser tests drive Debian's chromium through Playwright (never a browser Playwright downloads).
# Installs it, with CJK fonts for readable screenshots, when it is missing and we may use apt.
set -uo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> installing Debian's chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
else
  echo "!! /usr/bin/chromium is missing and cannot be installed here (not root or no apt-get):" >&2
  echo "!! browser tests will be skipped. Install the Debian package 'chromium' to run them." >&2
fi
exit 0
