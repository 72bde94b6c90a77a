#!/bin/sh
# Build the front end: webmap/static/dist/ (what the pages load, minified) and webmap/static/vendor/ (the
# libraries' licences, and the locate plugin loaded file by file on first use), from webmap/static/js and
# webmap/static/css and the npm packages that tools/frontend/package.json names and package-lock.json pins.
# The app serves these files itself: no page asks another host for a script or a style. Run it after
# editing webmap/static/js/ or css/, or to upgrade a library (`npm install --save-exact <pkg>@<version>` in
# tools/frontend first); commit the result (tests/test_browser_assets.py fails when dist/ is older than its
# sources). What goes where: tools/frontend/build.mjs.
set -eu
frontend=$(cd "$(dirname "$0")/frontend" && pwd)
cd "$frontend"
npm ci --silent --no-audit --no-fund
node build.mjs
