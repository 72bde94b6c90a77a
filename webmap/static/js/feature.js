/* The small map of a feature or comparison page: the features' outlines over their neighbours, from the
   API. Leaflet is the page's classic script (dist/leaflet.js); the colours are the stylesheet's. Built
   into dist/feature.js by tools/vendor-assets.sh. */
import L from "./map/leaflet.js";
import { el } from "./map/dom.js";
import { palette } from "./map/palette.js";
import { loadGeoJson, smallMap } from "./map/small-map.js";

const COMPARED = 4; // --compare-1 .. --compare-4: the colours of the features compared, in their order
const config = JSON.parse(document.getElementById("hp-feature-config").textContent);
const map = smallMap("hp-small-map", config);

const urls = config.featureUrls || [config.featureUrl];
Promise.all([loadGeoJson(config.contextUrl)].concat(urls.map(loadGeoJson))).then(([context, ...features]) => {
  const ids = features.map((f) => f.id);
  L.geoJSON(context, {
    filter: (f) => !ids.includes(f.id),
    style: () => ({ color: palette("context"), weight: 1, fillOpacity: 0.08 }),
    interactive: false,
  }).addTo(map);
  const bounds = L.latLngBounds([]);
  features.forEach((feature, index) => {
    const colour = palette("compare-" + (index % COMPARED + 1));
    const outline = L.geoJSON(feature, { style: () => ({ color: colour, weight: 2.5, fillOpacity: 0.35 }) });
    outline.addTo(map);
    if (features.length > 1) {
      outline.bindTooltip(el("span", { text: String(index + 1) }), { permanent: true, direction: "center", className: "hp-map-number" });
    }
    bounds.extend(outline.getBounds());
  });
  map.fitBounds(bounds, { maxZoom: 14, padding: [24, 24] });
  document.body.setAttribute("data-ready", "true");
}).catch((error) => {
  document.body.setAttribute("data-ready", "error");
  throw error;
});
