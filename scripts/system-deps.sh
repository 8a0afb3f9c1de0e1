#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the browser tests and a font that renders Chinese.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    if ! { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }; then
      echo "WARNING: could not install ${need[*]} from Debian; browser tests will skip with a message" >&2
    fi
  else
    echo "WARNING: missing ${need[*]}; browser tests will skip (install them with apt-get)" >&2
  fi
fi
