#!/bin/sh
# Refresh the self-hosted front-end libraries in webmap/static/vendor/ from the npm registry.
# The app serves these files itself: the page never asks another host for a script or style.
# Run by hand when upgrading; the result is committed.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/webmap/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund \
    leaflet@1.9.4 leaflet.fullscreen@3.0.0 leaflet.locatecontrol@0.66.2 \
    leaflet-minimap@3.6.1 leaflet-groupedlayercontrol@0.6.1
m=node_modules
rm -rf "$dest" && mkdir -p "$dest/leaflet/images" "$dest/fullscreen" "$dest/locate" "$dest/minimap/images" "$dest/groupedlayers"
cp $m/leaflet/dist/leaflet.js $m/leaflet/dist/leaflet.css $m/leaflet/LICENSE "$dest/leaflet/"
cp $m/leaflet/dist/images/layers.png $m/leaflet/dist/images/layers-2x.png $m/leaflet/dist/images/marker-icon.png \
   $m/leaflet/dist/images/marker-icon-2x.png $m/leaflet/dist/images/marker-shadow.png "$dest/leaflet/images/"
cp $m/leaflet.fullscreen/Control.FullScreen.js $m/leaflet.fullscreen/Control.FullScreen.css \
   $m/leaflet.fullscreen/icon-fullscreen.svg $m/leaflet.fullscreen/LICENSE "$dest/fullscreen/"
cp $m/leaflet.locatecontrol/dist/L.Control.Locate.min.js $m/leaflet.locatecontrol/dist/L.Control.Locate.min.css \
   $m/leaflet.locatecontrol/LICENSE "$dest/locate/"
cp $m/leaflet-minimap/dist/Control.MiniMap.min.js $m/leaflet-minimap/dist/Control.MiniMap.min.css \
   $m/leaflet-minimap/LICENSE.txt "$dest/minimap/"
cp $m/leaflet-minimap/dist/images/toggle.svg $m/leaflet-minimap/dist/images/toggle.png "$dest/minimap/images/"
cp $m/leaflet-groupedlayercontrol/dist/leaflet.groupedlayercontrol.min.js \
   $m/leaflet-groupedlayercontrol/dist/leaflet.groupedlayercontrol.min.css \
   $m/leaflet-groupedlayercontrol/LICENSE.txt "$dest/groupedlayers/"
# drop source-map comments: the maps are not shipped, and a missing map is a console error
for f in $(find "$dest" -name '*.js' -o -name '*.css'); do sed -i '/sourceMappingURL=/d' "$f"; done
echo "vendored into $dest"
