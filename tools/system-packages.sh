#!/bin/sh
# Install the Debian packages the test suite drives, where they are missing:
# gdal-bin (ogrinfo: GDAL's OGC API - Features driver, the one QGIS uses), chromium, fonts for Korean,
# Japanese and Chinese (the browser tests' screenshots of those interfaces), and PostgreSQL with PostGIS
# (the tests start a throwaway cluster to run the API on the PostGIS store).
set -eu
missing=""
command -v ogrinfo >/dev/null 2>&1 || missing="$missing gdal-bin"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
[ -n "$(fc-list :lang=ko 2>/dev/null)" ] || missing="$missing fonts-noto-cjk"
# The server binaries live outside PATH, in /usr/lib/postgresql/<major>/bin.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
major=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)  # Debian 12 installs 15
ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || missing="$missing postgresql-${major:-15}-postgis-3"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "tools/system-packages.sh: missing Debian packages:$missing (run as root, or install them); tests needing them will skip" >&2
    exit 0
fi
echo "tools/system-packages.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends $missing >/dev/null
