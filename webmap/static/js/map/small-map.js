/* What the feature, comparison and coverage pages' small maps share: the map in its element, the tiles
   when online, and reading the API's GeoJSON. */
import L from "./leaflet.js";

/** A Leaflet map in the element ``id`` that does not capture the page's scrolling; ``config.tiles``, if
    given, its basemap. */
export function smallMap(id, config) {
  const map = L.map(id, { scrollWheelZoom: false, attributionControl: true });
  if (config.tiles) {
    L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution, maxZoom: 19 }).addTo(map);
  }
  return map;
}

/** The GeoJSON answer of ``url``; rejects with the status and URL when the app refuses it. */
export function loadGeoJson(url) {
  return fetch(url, { headers: { Accept: "application/geo+json" } }).then((r) => {
    if (!r.ok) throw new Error(r.status + " " + url);
    return r.json();
  });
}
