// Build webmap/static/dist/ (what the pages load) and webmap/static/vendor/ (third-party files loaded one
// by one) from webmap/static/js, webmap/static/css and the packages of package.json. Run by
// tools/vendor-assets.sh after `npm ci`; the result is committed, and the app serves it itself (no page
// asks another host for a script or a style). tests/test_browser_assets.py fails when dist/ is older
// than its sources.
//
// dist/leaflet.js, .css  Leaflet as npm ships it and the plugins the map shows from the start (grouped
//                        layers, minimap), with js/leaflet.lazy.js: one classic script that sets
//                        window.L, which Folium's setup script and the plugins of vendor/ expect; every
//                        page with a map loads it
// dist/hpmap.js          the map page's ES modules (js/hpmap.js and js/map/); esbuild splits off what
//                        only a button needs (the panels, drawing with leaflet-geoman) into chunks imported
//                        on first use, and what those share with the first load into one chunk
// dist/basemap.js        the renderer of a basemap served by the app (protomaps-leaflet), fetched only when
//                        `hpmap serve --basemap` gives one
// dist/feature.js        the small map of the feature and comparison pages
// dist/coverage-map.js   the coverage page's map of the parks outside every zone and of the overlaps
// dist/copy-link.js      the other pages' "copy link" button (the map page's is in dist/hpmap.js)
// dist/*.css             the map page's first-load style, the panels' style, the drawing tools' style, the
//                        background's (loaded with it once the layers are drawn)
// dist/manifest.json     the packages; every output's sha256, the sha256 of its sources in static/ and
//                        the chunks it imports (the page preloads those of dist/hpmap.js)
// vendor/                the libraries' licences, and the plugins loaded file by file on first use (locate,
//                        full screen, with its style and icon)
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const repo = join(here, "..", "..");
const stat = join(repo, "webmap", "static");
const dist = join(stat, "dist");
const vendor = join(stat, "vendor");
const lock = JSON.parse(readFileSync(join(here, "package-lock.json"), "utf8"));
const version = (name) => lock.packages[`node_modules/${name}`].version;

const BANNER = `/*! Leaflet ${version("leaflet")} (c) Volodymyr Agafonkin, CloudMade; leaflet-groupedlayercontrol \
(c) Ishmael Smyrnow; leaflet-minimap (c) Norkart AS. Licences: /static/vendor/<library>/ */`;
const DRAW_BANNER = `/*! leaflet-geoman-free ${version("@geoman-io/leaflet-geoman-free")} (c) Geoman.io; Turf (c) Morgan \
Herlocker; lodash (c) OpenJS Foundation; polyclip-ts (c) Luiz Felipe Machado Barboza. Licences: /static/vendor/ */`;
const BASEMAP_BANNER = `/*! protomaps-leaflet ${version("protomaps-leaflet")}, pmtiles ${version("pmtiles")}, \
@protomaps/basemaps ${version("@protomaps/basemaps")} (c) Protomaps LLC, BSD-3-Clause; @mapbox/vector-tile, pbf (c) Mapbox, \
BSD-3-Clause; @mapbox/point-geometry (c) Mapbox, ISC; rbush (MIT), potpack, quickselect (ISC) (c) Vladimir Agafonkin; \
color2k (c) Rico Kahler, MIT; fflate (c) Arjun Barrett, MIT. Licence: /static/vendor/protomaps-leaflet/ */`;

// Leaflet's stylesheet keeps rules for Internet Explorer (VML shapes, ".leaflet-oldie", progid filters).
// The pages load ES modules, which no Internet Explorer runs: those rules are dead weight on the first load.
const withoutInternetExplorer = {
  name: "leaflet-css-without-internet-explorer",
  setup(build) {
    build.onLoad({ filter: /node_modules[\\/]leaflet[^\\/]*[\\/].*\.css$/ }, (args) => {
      let css = readFileSync(args.path, "utf8").replace(/^\s*(-ms-)?filter:\s*"?progid:[^;]*;\s*$/gm, "");
      const ieRule = /(^|\})[^{}]*(\.leaflet-oldie|\.leaflet-vml-shape|\.lvml)[^{}]*\{[^}]*\}/;
      while (ieRule.test(css)) css = css.replace(ieRule, "$1");
      return { contents: css, loader: "css", resolveDir: dirname(args.path) };
    });
  },
};

const common = {
  bundle: true,
  minify: true,
  legalComments: "none",
  charset: "utf8",  // the pages are UTF-8: no \uXXXX escapes for the interface's non-ASCII text
  logLevel: "warning",
  nodePaths: [modules],
  metafile: true,
  absWorkingDir: here,
  // Leaflet's UMD build ("main"), not its ES module: a plain object the plugins may extend, the same one
  // whichever plugin asks for it.
  mainFields: ["browser", "main"],
  loader: { ".png": "file", ".svg": "file" },
  // Leaflet finds its default marker's images by the name of the one its stylesheet shows: names kept
  assetNames: "images/[name]",
};

async function build() {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const results = await Promise.all([
    esbuild.build({
      ...common, entryPoints: { leaflet: join(stat, "js", "leaflet.js") }, outdir: dist, format: "iife",
      target: "es2017", banner: { js: BANNER }, plugins: [withoutInternetExplorer],
    }),
    // The map page's own modules. Every chunk's name carries its content's hash, so a chunk imported by
    // another (whose URL has no ?v=) is never served stale from a cache.
    esbuild.build({
      ...common, entryPoints: [join(stat, "js", "hpmap.js")], outdir: dist, format: "esm", splitting: true,
      target: "es2020", chunkNames: "[name]-[hash]",
    }),
    // the other pages' scripts: the small maps of the feature, comparison and coverage pages, the copy-link button
    esbuild.build({
      ...common, entryPoints: ["feature", "copy-link", "coverage-map"].map((name) => join(stat, "js", `${name}.js`)), outdir: dist,
      format: "esm", target: "es2020",
    }),
    // The renderer of a basemap served by the app (protomaps-leaflet): a module of its own, fetched by URL only
    // when there is one, built apart so that none of its code or helpers joins the map page's chunks.
    esbuild.build({
      ...common, entryPoints: { basemap: join(stat, "js", "map", "basemap.js") }, outdir: dist, format: "esm",
      target: "es2020", banner: { js: BASEMAP_BANNER },
    }),
    esbuild.build({
      ...common, entryPoints: ["hpmap", "panels", "draw", "sheet", "background"].map((name) => join(stat, "css", `${name}.css`)),
      outdir: dist, external: ["/static/*"], // the app's own files, by their URL
    }),
  ]);
  prependBannerToDrawChunks(results[1].metafile);
  // the default marker's other images, beside the one leaflet.css names (a pasted point, a factory's page)
  const images = ["marker-icon-2x.png", "marker-shadow.png"].map((name) => join(dist, "images", name));
  images.forEach((path) => cpSync(join(modules, "leaflet", "dist", "images", relative(join(dist, "images"), path)), path));
  copyVendor();
  writeManifest(results.map((r) => r.metafile), images);
}

// esbuild's banner goes on every file of a build; the drawing library's credit only on its chunk.
function prependBannerToDrawChunks(metafile) {
  for (const [output, info] of Object.entries(metafile.outputs)) {
    if (Object.keys(info.inputs).some((input) => input.includes("leaflet-geoman"))) {
      const path = join(here, output);
      writeFileSync(path, DRAW_BANNER + "\n" + readFileSync(path, "utf8"));
    }
  }
}

// vendor/: the licences, and the plugin loaded file by file on first use (the locate control).
function copyVendor() {
  rmSync(vendor, { recursive: true, force: true });
  const copy = (from, to) => {
    mkdirSync(dirname(join(vendor, to)), { recursive: true });
    cpSync(join(modules, from), join(vendor, to));
  };
  copy("leaflet/LICENSE", "leaflet/LICENSE");
  copy("leaflet.fullscreen/LICENSE", "fullscreen/LICENSE");
  copy("leaflet.fullscreen/icon-fullscreen.svg", "fullscreen/icon-fullscreen.svg");
  copy("leaflet.fullscreen/Control.FullScreen.css", "fullscreen/Control.FullScreen.css");
  copy("leaflet-minimap/LICENSE.txt", "minimap/LICENSE.txt");
  copy("leaflet-groupedlayercontrol/LICENSE.txt", "groupedlayers/LICENSE.txt");
  copy("leaflet.locatecontrol/LICENSE", "locate/LICENSE");
  copy("@geoman-io/leaflet-geoman-free/LICENSE", "geoman/LICENSE");
  copy("@turf/area/LICENSE", "turf/LICENSE");
  copy("lodash/LICENSE", "lodash/LICENSE");
  copy("polyclip-ts/LICENSE", "polyclip-ts/LICENSE");
  copy("protomaps-leaflet/LICENSE", "protomaps-leaflet/LICENSE"); // the basemap chunk's renderer, with pmtiles
  // without its source-map comment: the map is not shipped, and a missing map is a console error
  const locate = readFileSync(join(modules, "leaflet.locatecontrol/dist/L.Control.Locate.min.js"), "utf8");
  writeFileSync(join(vendor, "locate", "L.Control.Locate.min.js"), locate.replace(/\n?\/\/# sourceMappingURL=.*$/m, ""));
  // a UMD script: loaded as a classic script, it extends window.L; minified, its licence comment kept
  const fullscreen = readFileSync(join(modules, "leaflet.fullscreen/Control.FullScreen.js"), "utf8");
  writeFileSync(join(vendor, "fullscreen", "Control.FullScreen.js"),
    esbuild.transformSync(fullscreen, { minify: true, target: "es2017", legalComments: "inline" }).code);
}

function sha256(path) {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

// Every output with its sources in webmap/static/ (the rest come from the packages, pinned by the lockfile).
function writeManifest(metafiles, copied) {
  const files = {};
  for (const path of copied) files[relative(dist, path)] = { sha256: sha256(path), sources: {}, imports: [] };
  for (const metafile of metafiles) {
    for (const [output, info] of Object.entries(metafile.outputs)) {
      const path = join(here, output);
      const own = Object.keys(info.inputs).map((input) => join(here, input))
        .filter((input) => input.startsWith(stat + "/")).sort();
      files[relative(dist, path)] = {
        sha256: sha256(path),
        sources: Object.fromEntries(own.map((input) => [relative(stat, input), sha256(input)])),
        imports: info.imports.filter((i) => i.kind === "import-statement").map((i) => relative(dist, join(here, i.path))),
      };
    }
  }
  const packages = Object.keys(lock.packages[""].dependencies).concat(Object.keys(lock.packages[""].devDependencies))
    .map((name) => `${name}@${version(name)}`);
  const sorted = Object.fromEntries(Object.keys(files).sort().map((name) => [name, files[name]]));
  const manifest = { "built by": "tools/vendor-assets.sh", packages, files: sorted };
  writeFileSync(join(dist, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  const outputs = readdirSync(dist, { recursive: true }).length;
  console.log(`built ${Object.keys(files).length} files into ${relative(repo, dist)} (${outputs} entries), vendored into ${relative(repo, vendor)}`);
}

await build();
