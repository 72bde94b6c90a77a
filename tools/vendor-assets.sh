#!/bin/sh
# Refresh the self-hosted front-end libraries in webmap/static/vendor/ from the npm registry, and build
# webmap/static/dist/: what the map page loads, minified. The app serves these files itself: the page
# never asks another host for a script or style. Run by hand when upgrading a library or after editing
# webmap/static/js/ or webmap/static/css/; the result is committed (tests/test_browser_assets.py fails
# when dist/ is older than its sources).
#
# dist/leaflet.js     Leaflet built from its sources without what the map never uses (the Canvas renderer,
#                     image, video and SVG overlays, WMS tiles, the plain layers control: the map draws SVG
#                     and has the grouped layer control), then the plugins the map shows from the start
#                     (grouped layers, full screen, minimap) and js/leaflet.lazy.js (controls loaded on use)
# dist/leaflet.css    their stylesheets, image URLs pointing into vendor/
# dist/hpmap.js, .css the map's own script and first-load style
# dist/sites.js, dist/proposal.js, dist/panels.css: the panels, loaded when first opened
# dist/manifest.json  the packages, and the sha256 of every output and of its sources in webmap/static/
# vendor/             what is loaded file by file: Leaflet's own build for the feature and comparison
#                     pages, the locate control (on first use), images, licences
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
static="$here/webmap/static"
dest="$static/vendor"
dist="$static/dist"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
packages="leaflet@1.9.4 leaflet.fullscreen@3.0.0 leaflet.locatecontrol@0.66.2 leaflet-minimap@3.6.1
          leaflet-groupedlayercontrol@0.6.1 esbuild@0.28.2"
npm init -y >/dev/null
# shellcheck disable=SC2086  # one word per package
npm install --silent --no-audit --no-fund $packages
m=node_modules
esbuild="$m/.bin/esbuild"

# ---------------------------------------------------------------- vendor/: files loaded one by one
rm -rf "$dest" && mkdir -p "$dest/leaflet/images" "$dest/fullscreen" "$dest/locate" "$dest/minimap/images" \
    "$dest/groupedlayers"
cp $m/leaflet/dist/leaflet.js $m/leaflet/dist/leaflet.css $m/leaflet/LICENSE "$dest/leaflet/"
cp $m/leaflet/dist/images/layers.png $m/leaflet/dist/images/layers-2x.png $m/leaflet/dist/images/marker-icon.png \
   $m/leaflet/dist/images/marker-icon-2x.png $m/leaflet/dist/images/marker-shadow.png "$dest/leaflet/images/"
cp $m/leaflet.fullscreen/icon-fullscreen.svg $m/leaflet.fullscreen/LICENSE "$dest/fullscreen/"
cp $m/leaflet.locatecontrol/dist/L.Control.Locate.min.js $m/leaflet.locatecontrol/LICENSE "$dest/locate/"
cp $m/leaflet-minimap/LICENSE.txt "$dest/minimap/"
cp $m/leaflet-minimap/dist/images/toggle.svg $m/leaflet-minimap/dist/images/toggle.png "$dest/minimap/images/"
cp $m/leaflet-groupedlayercontrol/LICENSE.txt "$dest/groupedlayers/"
# drop source-map comments: the maps are not shipped, and a missing map is a console error
for f in $(find "$dest" -name '*.js' -o -name '*.css'); do sed -i '/sourceMappingURL=/d' "$f"; done

# ---------------------------------------------------------------- dist/leaflet.js: Leaflet as the map uses it
# Leaflet's own package.json beside its sources: its version, and ES modules (npm init's says "commonjs")
mkdir lean && cp -r $m/leaflet/src lean/src && cp $m/leaflet/package.json lean/
node - <<'EOF'
// Leave out modules nothing on the map page uses; fail if Leaflet's sources no longer read as expected.
const fs = require("fs");
function edit(file, from, to) {
  const path = "lean/src/" + file, text = fs.readFileSync(path, "utf8");
  if (!text.includes(from)) throw new Error(`${path}: "${from}" not found; check the edits for this Leaflet`);
  fs.writeFileSync(path, text.replace(from, to));
}
edit("layer/index.js", "export {ImageOverlay, imageOverlay} from './ImageOverlay';", "");
edit("layer/index.js", "export {VideoOverlay, videoOverlay} from './VideoOverlay';", "");
edit("layer/index.js", "export {SVGOverlay, svgOverlay} from './SVGOverlay';", "");
edit("layer/tile/index.js", "import {TileLayerWMS, tileLayerWMS} from './TileLayer.WMS';", "");
edit("layer/tile/index.js", "TileLayer.WMS = TileLayerWMS;", "");
edit("layer/tile/index.js", "tileLayer.wms = tileLayerWMS;", "");
edit("layer/vector/index.js", "export {Canvas, canvas} from './Canvas';", "");
edit("layer/vector/Renderer.getRenderer.js", "import {canvas} from './Canvas';", "");
edit("layer/vector/Renderer.getRenderer.js", "(this.options.preferCanvas && canvas(options)) || svg(options)",
     "svg(options)");
edit("control/index.js", "import {Layers, layers} from './Control.Layers';", "");
edit("control/index.js", "Control.Layers = Layers;", "");
edit("control/index.js", "control.layers = layers;", "");
// As Leaflet's own build: every export on the global L, and the namespaces (L.Util, L.DomUtil, ...) as
// plain objects, not esbuild's read-only module objects: plugins add to them.
fs.writeFileSync("lean/src/global.js", `import * as Leaflet from './Leaflet';
function plain(module) {
  var copy = {};
  for (var name in module) copy[name] = module[name];
  return copy;
}
var oldL = window.L;
var L = plain(Leaflet);
for (var name in L) {
  var value = L[name], first = value && typeof value === 'object' && Object.keys(value)[0];
  if (first && Object.getOwnPropertyDescriptor(value, first).get) L[name] = plain(value);
}
L.noConflict = function () { window.L = oldL; return this; };
window.L = L;
`);
EOF
"$esbuild" lean/src/global.js --bundle --format=iife --log-level=warning --outfile=leaflet-lean.js
mkdir -p "$dist"
for f in leaflet-lean.js $m/leaflet-groupedlayercontrol/dist/leaflet.groupedlayercontrol.min.js \
         $m/leaflet.fullscreen/Control.FullScreen.js $m/leaflet-minimap/dist/Control.MiniMap.min.js \
         "$static/js/leaflet.lazy.js"; do
    sed '/sourceMappingURL=/d' "$f"; printf '\n;\n'
done > leaflet-bundle.js
{
    echo "/*! Leaflet 1.9.4 (c) 2010-2023 Volodymyr Agafonkin, (c) 2010-2011 CloudMade, BSD-2-Clause;"
    echo "    leaflet-groupedlayercontrol 0.6.1 (c) 2013 Ishmael Smyrnow, MIT; leaflet.fullscreen 3.0.0"
    echo "    (c) 2013 Bruno Bergot, MIT; leaflet-minimap 3.6.1 (c) 2012 Norkart AS, BSD-2-Clause."
    echo "    Licences: /static/vendor/<library>/LICENSE. Built by tools/vendor-assets.sh. */"
    "$esbuild" leaflet-bundle.js --minify --legal-comments=none --target=es2017 --log-level=warning
} > "$dist/leaflet.js"
{
    sed 's#url(images/#url(../vendor/leaflet/images/#g' $m/leaflet/dist/leaflet.css
    cat $m/leaflet-groupedlayercontrol/dist/leaflet.groupedlayercontrol.min.css
    sed 's#url(icon-fullscreen.svg)#url(../vendor/fullscreen/icon-fullscreen.svg)#g' \
        $m/leaflet.fullscreen/Control.FullScreen.css
    sed 's#url(images/#url(../vendor/minimap/images/#g' $m/leaflet-minimap/dist/Control.MiniMap.min.css
} | sed '/sourceMappingURL=/d' > leaflet-bundle.css
"$esbuild" leaflet-bundle.css --minify --log-level=warning > "$dist/leaflet.css"

# ---------------------------------------------------------------- dist/: the map's own files, minified
for name in hpmap sites proposal; do
    "$esbuild" "$static/js/$name.js" --minify --target=es2017 --log-level=warning > "$dist/$name.js"
done
for name in hpmap panels; do
    "$esbuild" "$static/css/$name.css" --minify --log-level=warning > "$dist/$name.css"
done

# ---------------------------------------------------------------- dist/manifest.json
DIST="$dist" STATIC="$static" PACKAGES="$packages" node - <<'EOF'
const fs = require("fs"), crypto = require("crypto");
const sha = (path) => crypto.createHash("sha256").update(fs.readFileSync(path)).digest("hex");
const own = {  // output -> its sources in webmap/static/ (the rest come from the packages)
  "leaflet.js": ["js/leaflet.lazy.js"], "leaflet.css": [],
  "hpmap.js": ["js/hpmap.js"], "sites.js": ["js/sites.js"], "proposal.js": ["js/proposal.js"],
  "hpmap.css": ["css/hpmap.css"], "panels.css": ["css/panels.css"],
};
const files = {};
for (const [output, sources] of Object.entries(own)) {
  files[output] = {
    sha256: sha(`${process.env.DIST}/${output}`),
    sources: Object.fromEntries(sources.map((s) => [s, sha(`${process.env.STATIC}/${s}`)])),
  };
}
const manifest = {"built by": "tools/vendor-assets.sh", packages: process.env.PACKAGES.split(/\s+/).filter(Boolean), files};
fs.writeFileSync(`${process.env.DIST}/manifest.json`, JSON.stringify(manifest, null, 2) + "\n");
EOF
echo "vendored into $dest, built into $dist"
