/* The map's own background, drawn under every layer: the sea, the rivers of the port, the city and its
   neighbours, and the names of the communes and wards and of the provinces (webmap/background.py serves
   them from the data's context geography). Online it lies under the tile basemaps and shows wherever a tile
   is missing; offline it is the only background. This module (a chunk, with its stylesheet) comes once the
   layers are drawn: the first load stays within its budget (tests/test_browser_assets.py). The parks' names
   show from a city zoom on, over the outlines. A basemap of the app's own comes with it (js/map/basemap.js,
   built apart as dist/basemap.js: this module fetches it by its URL). */
import { loadStyle } from "./dom.js";
import L from "./leaflet.js";
import { ThinnedLabels } from "./labels.js";
import { onLayerLoaded, wholeLayers } from "./layers.js";
import { config, groupOf, layerConfig, map, msg } from "./page.js";
import { onStatusChange, state } from "./state.js";
import { nameOf } from "./text.js";

const LABELLED_LAYERS = { "industrial-parks": 0, "industrial-clusters": 1 }; // rank: parks' names before clusters'

/** Draw the background and the names; a promise resolved once drawn (never rejected: the map works without).
    ``showProblem`` tells the user what failed (js/map/feedback.js's, passed in: a module shared with the first
    load only, so that the chunks' shared code stays one chunk). */
export function addBackground(showProblem) {
  const pane = map.createPane("hp-background");
  pane.style.zIndex = 150; // under the tiles (200) and everything drawn
  pane.style.pointerEvents = "none";
  map.createPane("hp-background-labels").style.zIndex = 160;
  map.createPane("hp-labels").style.zIndex = 450; // over the outlines (400), under the markers and popups
  if (config.basemap) addBasemap(showProblem);
  const style = loadStyle(config.styles.background); // before any label is measured: its font is the style's
  const data = fetch(config.background.url, { credentials: "same-origin" }).then((response) => {
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    return response.json();
  });
  return style.then(addParkLabels).then((parkLabels) => data.then((geojson) => drawBackground(geojson, parkLabels)))
    .catch((error) => {
      console.error("background:", error);
      if (config.offline) showProblem(msg.background_failed);
    });
}

function addBasemap(showProblem) {
  import(config.basemap.script).then((basemap) => basemap.addBasemap(map, config.basemap, config.lang)).catch((error) => {
    console.error(error);
    showProblem(msg.basemap_failed);
  });
}

function drawBackground(geojson, parkLabels) {
  const renderer = L.svg({ pane: "hp-background", padding: 0.5 });
  const areas = geojson.features.filter((f) => f.properties.kind !== "place");
  L.geoJSON(areas, {
    pane: "hp-background",
    renderer,
    interactive: false,
    style: (f) => ({ className: "hp-bg hp-bg-" + f.properties.kind, stroke: true, fill: true }),
  }).addTo(map);
  map.getContainer().classList.add("hp-has-background");
  const { places } = config.background.labelZoom;
  const labels = [];
  for (const f of geojson.features) {
    const p = f.properties;
    if (p.kind === "place") {
      const [lon, lat] = f.geometry.coordinates;
      // from the city zoom on, every commune and ward that fits; below it, a district's density of them
      labels.push({ latlng: [lat, lon], text: nameOf(p), className: "hp-label-place", minZoom: places, rank: 2 });
      labels.push({ latlng: [lat, lon], text: nameOf(p), className: "hp-label-place hp-label-far", minZoom: 10,
                    maxZoom: places, rank: 3, spacing: 40 });
    } else if (p.kind === "province" || p.kind === "neighbour") {
      labels.push({ latlng: [p.label_lat, p.label_lon], text: nameOf(p), className: "hp-label-" + p.kind,
                    maxZoom: places, rank: p.kind === "province" ? 0 : 1 });
    }
  }
  // placed after the parks' names at each view (their layer was added first), clear of them
  new ThinnedLabels(labels, { pane: "hp-background-labels", avoid: parkLabels }).addTo(map);
  document.body.setAttribute("data-background", "drawn");
}

// The parks' (and clusters') names, permanent from the "parks" zoom on, at their centroids, while their
// layer is on the map and their status is shown (the legend's filter hides a name with its outline).
function addParkLabels() {
  const layer = new ThinnedLabels([], { pane: "hp-labels" }).addTo(map);
  const minZoom = config.background.labelZoom.parks;
  const shown = {};
  const update = (cfg, list) => {
    if (!(cfg.id in LABELLED_LAYERS)) return;
    shown[cfg.id] = list.filter((f) => f.properties.centroid_lat != null).map((f) => ({
      latlng: [f.properties.centroid_lat, f.properties.centroid_lon], text: nameOf(f.properties),
      className: "hp-label-park", minZoom, rank: LABELLED_LAYERS[cfg.id], dy: 16, // below the marker's badge
      status: f.properties.status,
    }));
    refresh();
  };
  const refresh = () => layer.setLabels(Object.entries(shown)
    .filter(([id]) => map.hasLayer(groupOf(layerConfig(id)))).flatMap(([, labels]) => labels)
    .filter((label) => state.status.has(label.status)));
  wholeLayers.forEach(([cfg, list]) => update(cfg, list));
  onLayerLoaded(update);
  onStatusChange(refresh);
  map.on("overlayadd overlayremove", refresh);
  return layer;
}
