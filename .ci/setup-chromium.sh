#!/usr/bin/env bash
# setup-chromium.sh installs Debian's chromium for the browser tests
# (cmd/policygraph/web_test.go) when it is missing. It is idempotent: a second
# run with chromium present does nothing. The tests find the binary through
# POLICYGRAPH_TEST_CHROMIUM (the Makefile exports /usr/bin/chromium).
set -euo pipefail

bin="${POLICYGRAPH_TEST_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$bin" ]; then
	echo "chromium: $("$bin" --version 2>/dev/null || echo "$bin")"
	exit 0
fi
if ! command -v apt-get >/dev/null; then
	echo "setup-chromium: $bin is missing and apt-get is not available: install Chromium and set POLICYGRAPH_TEST_CHROMIUM" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
echo "chromium: $(/usr/bin/chromium --version)"
