/* What the server tells the map page (the config JSON built in webmap/pages.py: layers, statuses, places,
   criteria, limits, the interface's words) and the map Folium's setup script made. */
export const config = JSON.parse(document.getElementById("hpmap-config").textContent);
export const map = window[config.mapVar];
export const lang = config.lang;
export const labels = config.labels;
export const msg = labels.messages;

/** The feature group Folium made for a layer (config.layers[i]). */
export function groupOf(cfg) {
  return window[cfg.groupVar];
}

/** The layer's config by its id. */
export function layerConfig(id) {
  return config.layers.find((cfg) => cfg.id === id);
}
