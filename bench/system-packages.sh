#!/bin/sh
# Install what the benchmark drives on top of the test suite's packages (tools/system-packages.sh:
# Chromium, PostgreSQL with PostGIS): wrk, the HTTP load generator. Only where missing.
set -eu
command -v wrk >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "bench/system-packages.sh: wrk is missing: install Debian's wrk (apt-get install wrk)" >&2
    exit 1
fi
echo "bench/system-packages.sh: installing wrk" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends wrk >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends wrk >/dev/null
}
