/* The vector basemap of `hpmap serve --basemap FILE.pmtiles` (webmap/basemap.py): protomaps-leaflet reads
   the archive from the app by byte ranges and draws it on canvas tiles, in the place of the online tiles.
   This module and the renderer are built apart (dist/basemap.js), fetched only on a map that has a basemap. */
import { leafletLayer } from "protomaps-leaflet";

/** Add the basemap ``basemap`` ({url, minZoom, maxZoom, bounds} of the page's config) to ``map``, its names
    in ``lang`` where the extract has them. */
export function addBasemap(map, basemap, lang) {
  const layer = leafletLayer({
    url: basemap.url,
    flavor: "light",
    lang,
    maxDataZoom: basemap.maxZoom, // deeper zooms draw the archive's last level, enlarged
    bounds: basemap.bounds,
    attribution: '<a href="https://protomaps.com">Protomaps</a> © <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
  });
  layer.addTo(map);
  return layer;
}
