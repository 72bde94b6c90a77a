/* The data layers: Folium made them as empty feature groups; their features come from the API and are
   drawn here, with popups, tooltips and position-quality badges. A feature opens by its id.
   A layer's features carry what the map draws; a popup shows the feature whole, fetched on its first
   opening with the code that lays it out (popups.js): a note meanwhile, then the popup is filled in where
   it stands. */
import { el } from "./dom.js";
import L from "./leaflet.js";
import { config, groupOf, labels, map, msg } from "./page.js";
import { onStatusChange, setOpenFeature, showStatus, state } from "./state.js";
import { styleFor } from "./styles.js";
import { nameOf } from "./text.js";

export const features = {}; // layer id -> GeoJSON features, with the properties the map draws
export const entries = {}; // feature id -> {layer, feature, cfg}: what is drawn
const redrawHooks = []; // functions() called after a layer is (re)drawn
const refreshers = {}; // layer id -> how to draw it again (a layer loaded by view asks the server again)
const loadedListeners = []; // functions(cfg, features) called when a whole layer has come
export const wholeLayers = []; // [layer config, its features] of each layer loaded whole
const whole = {}; // feature id -> the feature with every property, or {pending: true}
let popups = null; // popups.js, once imported

/** A feature's popup: its close button named in the page's language (Leaflet's says "Close popup"). On a
    phone it becomes a bottom sheet (sheet.js). */
export const FeaturePopup = L.Popup.extend({
  onAdd(target) {
    L.Popup.prototype.onAdd.call(this, target);
    this._closeButton?.setAttribute("aria-label", msg.close);
  },
});

/** A plain GET, no headers of its own: the page preloads the layers' first pages (map.html) and the
    browser only hands a preloaded response to a request that matches it. */
export function getPage(url) {
  return fetch(url).then((response) => {
    if (!response.ok) throw new Error(response.status + " " + url);
    return response.json();
  });
}

async function fetchAll(url) {
  let collected = [];
  while (url) {
    const page = await getPage(url);
    collected = collected.concat(page.features || []);
    const next = (page.links || []).find((link) => link.rel === "next");
    url = next ? next.href : null;
  }
  return collected;
}

function popupContent(cfg, feature, layer) {
  const found = whole[feature.id];
  if (found && found.properties && popups) return popups.popupNode(cfg, found);
  const note = el("p", { class: "hp-popup-note", role: "status", text: msg.loading });
  if (!found) {
    whole[feature.id] = { pending: true };
    Promise.all([import("./popups.js"), getPage(cfg.item + encodeURIComponent(feature.id))]).then(([module, full]) => {
      popups = module;
      whole[feature.id] = full;
      if (layer.isPopupOpen()) layer.getPopup().update();
    }).catch((error) => {
      delete whole[feature.id]; // the next opening asks again
      note.textContent = msg.popup_failed;
      note.classList.add("hp-error");
      throw error;
    });
  }
  return el("div", { class: "hp-popup-loading", "data-feature-id": feature.id, "aria-busy": "true" }, [
    el("h3", { text: nameOf(feature.properties) }), note,
  ]);
}

/** An outline the keyboard reaches (after the map's controls: hpmap.js puts them first) and a screen reader
    names (its tooltip's words); Enter or Space opens its popup, and closing the popup gives the focus back. */
function nameOutline(layer, path, feature) {
  const props = feature.properties;
  path.setAttribute("tabindex", "0");
  path.setAttribute("role", "button");
  path.setAttribute("aria-label", nameAndStatus(feature));
  path.addEventListener("keydown", (event) => { // a new path each time the layer is added: one listener
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    layer.openPopup(centreOf(layer));
    layer.once("popupclose", () => path.focus({ preventScroll: true }));
    layer.getPopup()._closeButton.focus({ preventScroll: true });
  });
}

/** "Name · status": an outline's tooltip and its name for a screen reader. */
function nameAndStatus(feature) {
  const props = feature.properties;
  return nameOf(props) + " · " + (labels.status[props.status] || props.status);
}

function qualityBadge(cfg, feature) {
  const quality = feature.properties.geometry_quality;
  if (quality !== "approximate" && quality !== "indicative" || cfg.id === "economic-zones") return null;
  if (feature.geometry && /Point$/.test(feature.geometry.type)) return null; // a badge is about an outline
  const icon = L.divIcon({ className: "hp-badge hp-badge-" + quality, html: quality === "indicative" ? "?" : "≈",
                           iconSize: [12, 12] });
  const marker = L.marker([feature.properties.centroid_lat, feature.properties.centroid_lon],
                          { icon, keyboard: false, title: labels.quality[quality] });
  marker.on("click", () => openFeature(feature.id, false));
  return marker;
}

function centreOf(layer) {
  return layer.getBounds ? layer.getBounds().getCenter() : layer.getLatLng();
}

export function boundsOf(layer) {
  return layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
}

/** Draw the layer's features again (after the status filter changed). */
export function renderLayer(cfg) {
  groupOf(cfg).clearLayers();
  drawFeatures(cfg, features[cfg.id] || []);
}

/** Add ``list`` (some or all of the layer's features) to the layer's group. */
export function drawFeatures(cfg, list) {
  const group = groupOf(cfg);
  const shown = list.filter((f) => state.status.has(f.properties.status));
  const popupSize = { maxWidth: 300, maxHeight: Math.max(220, map.getSize().y - 110),
                      autoPanPaddingTopLeft: [50, 16], autoPanPaddingBottomRight: [16, 16] };
  group.addLayer(L.geoJSON({ type: "FeatureCollection", features: shown }, {
    style: (feature) => styleFor(cfg, feature.properties),
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, { radius: 5 }), // points (factories), in SVG
    onEachFeature(feature, layer) {
      layer.bindTooltip(() => el("span", { text: nameAndStatus(feature) }), { sticky: true });
      layer.bindPopup(new FeaturePopup(popupSize).setContent(() => popupContent(cfg, feature, layer)));
      layer.on("add", () => {
        const path = layer.getElement && layer.getElement();
        if (path) {
          path.setAttribute("data-feature-id", feature.id);
          path.setAttribute("data-layer", cfg.id);
          nameOutline(layer, path, feature);
        }
      });
      layer.on("popupopen", () => setOpenFeature(feature.id));
      layer.on("popupclose", () => { if (state.f === feature.id) setOpenFeature(null); });
      entries[feature.id] = { layer, feature, cfg };
    },
  }));
  redrawHooks.forEach((hook) => hook());
  for (const feature of shown) {
    const badge = qualityBadge(cfg, feature);
    if (badge) group.addLayer(badge);
  }
}

/** Call ``hook()`` after every (re)drawing of a layer: the site finder keeps its highlight. */
export function onRedraw(hook) {
  redrawHooks.push(hook);
}

/** Say how the layer ``id`` is drawn again when the filter changes (a layer loaded by view). */
export function setRefresher(id, refresh) {
  refreshers[id] = refresh;
}

function renderAll() {
  for (const cfg of config.layers) {
    if (refreshers[cfg.id]) refreshers[cfg.id]();
    else if (features[cfg.id]) renderLayer(cfg);
  }
}
onStatusChange(renderAll);

/** Call ``listener(cfg, features)`` as each layer loaded whole arrives (after those in wholeLayers). */
export function onLayerLoaded(listener) {
  loadedListeners.push(listener);
}

/** Fetch every feature of the layer ``cfg`` and draw them; a promise. */
export function loadWhole(cfg) {
  return fetchAll(cfg.url).then((list) => {
    features[cfg.id] = list;
    wholeLayers.push([cfg, list]);
    renderLayer(cfg);
    loadedListeners.forEach((listener) => listener(cfg, list));
  });
}

/** Open the feature ``id``'s popup, showing its layer and status if hidden; zoom to it unless ``zoom`` is
    false. False when no such feature is drawn. */
export function openFeature(id, zoom) {
  let entry = entries[id];
  if (!entry) return false;
  const group = groupOf(entry.cfg);
  if (!map.hasLayer(group)) map.addLayer(group);
  if (!state.status.has(entry.feature.properties.status)) {
    showStatus(entry.feature.properties.status, true); // redrawn: a new Leaflet layer
    entry = entries[id];
  }
  if (zoom !== false) map.fitBounds(boundsOf(entry.layer), { maxZoom: 14, padding: [30, 30], animate: false });
  entry.layer.openPopup(centreOf(entry.layer));
  return true;
}

/** The minimap (Folium's OutlineMiniMap) shows the economic zones' outlines: offline, its only content. */
export function addToMinimap(zones) {
  const group = window[config.minimapVar];
  if (!group) return;
  L.geoJSON({ type: "FeatureCollection", features: zones }, {
    style: () => ({ className: "hp-minimap-zone", interactive: false }), interactive: false,
  }).addTo(group);
}
