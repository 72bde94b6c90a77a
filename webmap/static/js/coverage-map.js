/* The coverage page's small map: the economic zones, the parks outside every zone and the parks that
   overlap, each overlapping pair joined by its number in the page's table. Leaflet is the page's classic
   script (dist/leaflet.js); the features come from the API, the colours from the stylesheet. Built into
   dist/coverage-map.js by tools/vendor-assets.sh. */
import L from "./map/leaflet.js";
import { el } from "./map/dom.js";
import { palette } from "./map/palette.js";
import { loadGeoJson, smallMap } from "./map/small-map.js";

const config = JSON.parse(document.getElementById("hp-coverage-config").textContent);
const map = smallMap("hp-coverage-map", config);

const nameOf = (props) => (config.lang === "vi" ? props.name_vi : props.name_en) || props.name_vi || props.id;

Promise.all([loadGeoJson(config.zonesUrl), loadGeoJson(config.parksUrl)]).then(([zones, parks]) => {
  const outside = new Set(config.outside);
  const overlapping = new Map(); // park id -> the numbers of its pairs in the overlaps table
  config.overlaps.forEach((pair, index) => {
    for (const id of pair) overlapping.set(id, (overlapping.get(id) || []).concat(index + 1));
  });
  L.geoJSON(zones, {
    style: () => ({ color: palette("layer-economic-zones"), weight: 1.5, fillOpacity: 0.08 }),
    onEachFeature: (feature, layer) => layer.bindTooltip(el("span", { text: nameOf(feature.properties) })),
  }).addTo(map);
  const drawn = L.geoJSON(parks, {
    filter: (feature) => outside.has(feature.id) || overlapping.has(feature.id),
    style: (feature) => (overlapping.has(feature.id)
      ? { color: palette("coverage-overlap"), weight: 2, fillOpacity: 0.45 }
      : { color: palette("coverage-outside"), weight: 2, fillOpacity: 0.35 }),
    onEachFeature: (feature, layer) => {
      const numbers = overlapping.get(feature.id);
      const label = nameOf(feature.properties) + (numbers ? " · " + config.overlapWord + " " + numbers.join(", ") : "");
      layer.bindTooltip(el("span", { text: label }));
      layer.on("add", () => {
        const path = layer.getElement();
        path.setAttribute("data-feature-id", feature.id);
        path.setAttribute("data-coverage", numbers ? "overlap" : "outside");
      });
      layer.on("click", () => { window.location.href = "/features/" + encodeURIComponent(feature.id) + "?lang=" + config.lang; });
    },
  }).addTo(map);
  const bounds = drawn.getLayers().length ? drawn.getBounds() : L.geoJSON(zones).getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 13, padding: [16, 16] });
  else map.setView([20.85, 106.65], 9);
  document.body.setAttribute("data-ready", "true");
}).catch((error) => {
  document.body.setAttribute("data-ready", "error");
  throw error;
});
