/* The view in the URL: centre and zoom, the open feature, the statuses and layers shown, and the
   parameters the panels own (kept as they are). The language links carry the same state. */
import { config, groupOf, lang, map } from "./page.js";

const STATUSES = config.statuses;
const OWN_PARAMS = ["lang", "lat", "lon", "z", "f", "status", "layers"];
const start = new URLSearchParams(window.location.search);

/** The view the URL asked for when the page opened (NaN where it did not say). */
export const startView = {
  lat: parseFloat(start.get("lat")), lon: parseFloat(start.get("lon")), z: parseInt(start.get("z"), 10),
};

const asked = start.get("status");
const layers = start.get("layers");
export const state = {
  f: start.get("f"), // the feature whose popup is open
  status: new Set(asked ? asked.split(",").filter((s) => STATUSES.includes(s)) : STATUSES),
  layers: layers === null ? null : new Set(layers.split(",")), // null: every layer
};

const extra = {}; // the panels' parameters (site finder, proposal check)
start.forEach((value, key) => { if (!OWN_PARAMS.includes(key)) extra[key] = value; });

const statusListeners = [];

/** Call ``listener()`` whenever the statuses shown change. */
export function onStatusChange(listener) {
  statusListeners.push(listener);
}

/** Show or hide the features of ``status``; the listeners redraw and the URL follows. */
export function showStatus(status, shown) {
  if (shown === state.status.has(status)) return;
  if (shown) state.status.add(status); else state.status.delete(status);
  statusListeners.forEach((listener) => listener());
  writeState();
}

/** Every status shown, in their order: the filter is off. */
export function allStatusesShown() {
  return state.status.size === STATUSES.length;
}

export function shownStatuses() {
  return STATUSES.filter((s) => state.status.has(s));
}

/** The URL parameters of the current view, in ``language`` (the page's by default). */
export function stateParams(language) {
  const params = new URLSearchParams();
  params.set("lang", language || lang);
  const centre = map.getCenter();
  params.set("lat", centre.lat.toFixed(5));
  params.set("lon", centre.lng.toFixed(5));
  params.set("z", String(map.getZoom()));
  if (state.f) params.set("f", state.f);
  if (!allStatusesShown()) params.set("status", shownStatuses().join(","));
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const shown = config.layers.filter((cfg) => map.hasLayer(groupOf(cfg)));
  if (shown.length < config.layers.length) params.set("layers", shown.map((cfg) => cfg.id).join(","));
  return params;
}

/** The address of the current view, to share. */
export function shareUrl() {
  return window.location.origin + window.location.pathname + "?" + stateParams().toString();
}

export function writeState() {
  window.history.replaceState(null, "", "?" + stateParams().toString());
  document.querySelectorAll("[data-lang-switch]").forEach((link) => {
    link.setAttribute("href", "?" + stateParams(link.getAttribute("data-lang-switch")).toString());
  });
}

/** Set (or, with null, undefined or "", drop) a parameter a panel owns. */
export function setParam(key, value) {
  if (value === null || value === undefined || value === "") delete extra[key]; else extra[key] = value;
  writeState();
}

export function getParam(key) {
  return new URLSearchParams(window.location.search).get(key);
}

/** The feature whose popup is open, or null. */
export function setOpenFeature(id) {
  state.f = id;
  writeState();
}
