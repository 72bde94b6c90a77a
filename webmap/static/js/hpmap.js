/* Hải Phòng Industrial Map: the map page. Folium's setup script has made the map and its empty layer
   groups; this fills them from the API and adds the interactive parts (popups, search, legend and filters,
   measurement, panels, shareable URL). Built into dist/hpmap.js by tools/vendor-assets.sh, with the
   modules of map/. What is not needed to show the map comes in chunks when first used: the panels and the
   drawing tools (a button's), the search (the search box's), a popup's layout (with its first feature),
   the code of large layers (with such a layer). */
import "./copy-link.js";
import { showLoading, showNotice, showProblem } from "./map/feedback.js";
import { legendControl } from "./map/legend.js";
import L from "./map/leaflet.js";
import { addToMinimap, FeaturePopup, loadWhole, onLayerLoaded, openFeature } from "./map/layers.js";
import { measureControl } from "./map/measure.js";
import { config, groupOf, map, msg } from "./map/page.js";
import { setUpPanels } from "./map/panels.js";
import { startView, state, writeState } from "./map/state.js";

map.createPane("hp-zones").style.zIndex = 350;
// The controls before the features in the tab order: the keyboard reaches the zoom, the layers and the
// legend first, then the outlines (88 of them). Their corners are positioned and stacked by the stylesheet,
// so moving them first in the document changes nothing on the screen.
map._container.insertBefore(map._controlContainer, map._mapPane);
if (!isNaN(startView.lat) && !isNaN(startView.lon) && !isNaN(startView.z)) {
  // at once, not animated: the view's layers are asked for at this zoom, not the one animated from
  map.setView([startView.lat, startView.lon], startView.z, { animate: false });
}
for (const cfg of config.layers) {
  // Leaflet's attribution control shows a layer's attribution while the layer is on the map: the
  // OpenStreetMap credit wherever outlines from an OSM extract are drawn.
  if (!cfg.attribution) continue;
  L.setOptions(groupOf(cfg), { attribution: cfg.attribution }); // its own options, not the shared prototype's
  if (map.hasLayer(groupOf(cfg))) map.attributionControl.addAttribution(cfg.attribution);
}
if (state.layers) {
  for (const cfg of config.layers) if (!state.layers.has(cfg.id)) map.removeLayer(groupOf(cfg));
}
onLayerLoaded((cfg, list) => { if (cfg.id === "economic-zones") addToMinimap(list); });

// first: the requests go out while the controls are made
const loading = showLoading();
let allDrawn;
const firstViewDrawn = new Promise((resolve) => { allDrawn = resolve; }); // the large layers' other pages wait for it
const whole = config.layers.filter((cfg) => !cfg.viewport).map((cfg) => loadWhole(cfg).catch(loading.failed(cfg)));
const loaded = Promise.all(whole.concat(watchLargeLayers(firstViewDrawn), phoneSheets()));
if (config.offline && !config.basemap) map.attributionControl.addAttribution(msg.offline_note);
L.control.scale({ imperial: false }).addTo(map);
measureControl().addTo(map);
legendControl().addTo(map);
armSearch();
map.on("moveend overlayadd overlayremove", writeState);
map.on("locationerror", () => showNotice(msg.locate_failed)); // "my location" refused or not found: say so
document.addEventListener("keydown", (event) => { // Esc closes the open popup, wherever the focus is
  if (event.key === "Escape" && !event.defaultPrevented) map.closePopup();
});

const ready = loaded.then(() => {
  loading.done();
  if (state.f && !openFeature(state.f, isNaN(startView.z))) state.f = null;
  writeState();
  document.body.setAttribute("data-ready", loading.errors ? "error" : "true");
});
// after the first view is painted (the frame after ready, then a task): the rest must not delay that frame
ready.then(() => requestAnimationFrame(() => setTimeout(allDrawn)));
setUpPanels(ready);
// the background (coast, rivers, boundaries, names) and any basemap of the app's own once the layers are drawn
ready.then(() => import("./map/background.js")).then((background) => background.addBackground(showProblem), (error) => {
  console.error(error);
  showProblem(msg.background_failed);
});

// A large layer is drawn as the view asks (map/viewport.js), its code loaded only with such a layer.
// Resolves once the first view of each is drawn; the rest of their views wait for ``firstViewDrawn``.
function watchLargeLayers(firstViewDrawn) {
  const large = config.layers.filter((cfg) => cfg.viewport);
  if (!large.length) return [];
  return import("./map/viewport.js").then(
    (viewport) => Promise.all(large.map((cfg) => viewport.watchViewport(cfg, loading.failed(cfg), firstViewDrawn))),
    (error) => large.forEach((cfg) => loading.failed(cfg)(error)),
  );
}

// On a phone a popup is a bottom sheet (map/sheet.js): its code and style come only where the screen is
// narrow, at once, or when it becomes narrow. A failure leaves Leaflet's popups, which work too.
function phoneSheets() {
  const narrow = matchMedia("(max-width: 600px)");
  const load = () => import("./map/sheet.js").then((sheet) => sheet.useSheets(FeaturePopup, narrow)).catch(console.error);
  if (narrow.matches) return [load()];
  narrow.addEventListener("change", load, { once: true });
  return [];
}

// The search box's code comes when it is first used (the index is built on the first search anyway).
function armSearch() {
  const input = document.getElementById("hp-search-input");
  const list = document.getElementById("hp-search-results");
  if (!input || !list) return;
  const load = () => import("./map/search.js").then((search) => search.setUpSearch(input, list)).catch((error) => {
    console.error(error);
    showProblem(msg.tool_failed);
    input.addEventListener("focus", load, { once: true }); // the next focus tries again
  });
  input.addEventListener("focus", load, { once: true });
}
