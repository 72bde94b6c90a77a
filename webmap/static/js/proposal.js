/* "Check a proposal": draw a polygon or paste GeoJSON, POST it to /api/evaluate, show its area, economic
   zone, overlaps with existing parks and clusters, and distances. Drawing (map/draw.js, leaflet-geoman)
   shows the area as the corners go down and takes back the last corner; once drawn, the corners can be
   dragged, added (drag a midpoint) and removed (right-click), and each change is checked again; "undo"
   goes back one change. The corners live in the URL (?proposal=lon,lat;lon,lat;...) so a check can be
   shared. Imported with its panel's first opening (map/panels.js). */
import {
  L, criterionOf, el, featureUrl, formatDistance, getParam, lang, map, msg, nameOf, numberFormat, palette,
  requestJson, setParam,
} from "./map/index.js";

const output = document.getElementById("hp-proposal-output");
const message = document.getElementById("hp-proposal-message");
const running = document.getElementById("hp-proposal-running");
const shapes = L.layerGroup().addTo(map); // the polygon drawn, or the geometry pasted
let drawing = null; // the polygon being drawn: its handle (map/draw.js)
let drawn = null; // the polygon once drawn, editable
let history = []; // its earlier corners, for undo
let checked = null; // the corners last checked
let tools = null; // map/draw.js, imported with the panel

function style() {
  return { color: palette("drawing"), weight: 3, fillOpacity: 0.2 };
}

function showMessage(text) {
  message.textContent = text;
  message.hidden = !text;
}

function showArea(latlngs) {
  running.textContent = msg.proposal_running_area + ": ≈ " + numberFormat.format(tools.areaHa(latlngs)) + " ha";
  running.hidden = latlngs.length < 3;
}

function clear() {
  if (drawing) drawing.cancel();
  drawing = drawn = checked = null;
  history = [];
  shapes.clearLayers();
  output.hidden = true;
  running.hidden = true;
  showMessage("");
}

function startDrawing() {
  clear();
  drawing = tools.draw("Polygon", { pathOptions: style(), onChange: showArea, onCreate: (layer) => {
    drawing = null;
    map.removeLayer(layer); // geoman put it on the map: it belongs with the panel's shapes
    adopt(layer);
    check();
  } });
  map.getContainer().classList.add("hp-drawing");
}

function stopDrawing() {
  if (drawing) drawing.cancel();
  drawing = null;
  map.getContainer().classList.remove("hp-drawing");
}

// The drawn polygon: its corners can be edited, and each edit is checked again.
function adopt(layer) {
  stopDrawing();
  drawn = layer;
  shapes.addLayer(layer);
  tools.editable(layer, { onChange: showArea, onEdit: () => { history.push(checked); check(); } });
}

function corners() {
  return tools.ringOf(drawn).map((p) => [+p.lng.toFixed(6), +p.lat.toFixed(6)]);
}

function check() {
  checked = corners();
  showArea(tools.ringOf(drawn));
  setParam("proposal", checked.map((c) => c[0].toFixed(6) + "," + c[1].toFixed(6)).join(";"));
  return evaluate({ type: "Polygon", coordinates: [checked.concat([checked[0]])] });
}

function finish() {
  if (drawn) return check();
  if (!drawing || drawing.corners().length < 3) { showMessage(msg.proposal_need_points); return Promise.resolve(); }
  drawing.finish(); // geoman makes the polygon: onCreate above checks it
  return Promise.resolve();
}

function undo() {
  if (drawing) {
    if (drawing.corners().length > 1) drawing.undo(); else startDrawing(); // the first corner: start again
    return;
  }
  if (!drawn || !history.length) return;
  const previous = history.pop();
  drawn.setLatLngs([previous.map((c) => L.latLng(c[1], c[0]))]);
  drawn.pm.disable(); // its handles follow the corners
  drawn.pm.enable();
  check();
}

function evaluate(geometry) {
  showMessage("");
  return requestJson("/api/evaluate?lang=" + lang, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(geometry),
  }).then(render).catch((error) => {
    output.hidden = true;
    showMessage(error.message);
  });
}

function render(result) {
  running.hidden = true; // the server's area, below, is the one to quote
  output.textContent = "";
  output.appendChild(el("dl", { class: "hp-facts" }, [
    el("dt", { text: msg.proposal_area }),
    el("dd", { text: numberFormat.format(result.area_ha) + " ha" }),
    el("dt", { text: msg.proposal_zone }),
    el("dd", { text: result.zone ? nameOf(result.zone) + " (" + numberFormat.format(result.zone.share_pct) + " %)"
                                 : msg.proposal_outside }),
  ]));
  output.appendChild(el("h3", { text: result.overlaps.length ? msg.proposal_overlaps : msg.proposal_no_overlap }));
  const overlaps = el("ul", { class: "hp-overlaps" });
  for (const overlap of result.overlaps) {
    overlaps.appendChild(el("li", {}, [
      el("a", { href: featureUrl(overlap.id), text: nameOf(overlap) }),
      ": " + numberFormat.format(overlap.overlap_ha) + " ha (" + numberFormat.format(overlap.share_of_proposal_pct)
        + " % " + msg.of_proposal + ")",
    ]));
  }
  output.appendChild(overlaps);
  output.appendChild(el("h3", { text: msg.distances }));
  const distances = el("ul", { class: "hp-distances", title: msg.distance_note });
  for (const [key, km] of Object.entries(result.distances_km)) {
    if (km === null) continue;
    distances.appendChild(el("li", { text: criterionOf(key).label + ": " + formatDistance(km, result.distance_uncertainty_km[key]) }));
  }
  output.appendChild(distances);
  output.appendChild(el("p", { class: "hp-help", text: msg.distance_note }));
  output.hidden = false;
}

function checkPasted() {
  const text = document.getElementById("hp-proposal-geojson").value;
  let geometry;
  try { geometry = JSON.parse(text); } catch (e) { showMessage(msg.proposal_not_json); return; }
  stopDrawing();
  clear();
  try {
    const shape = L.geoJSON(geometry, { style, interactive: false });
    shapes.addLayer(shape);
    if (shape.getBounds().isValid()) map.fitBounds(shape.getBounds(), { maxZoom: 14 });
  } catch (e) { /* not a shape Leaflet can draw: the server says what is wrong with it */ }
  setParam("proposal", null);
  evaluate(geometry);
}

/** Wire the panel's buttons; check the proposal the URL carries once the layers are drawn (``ready``). */
export async function mount(ready) {
  tools = await import("./map/draw.js");
  await tools.ready; // the drawing tools' style: the panel opens with them
  document.getElementById("hp-proposal-finish").addEventListener("click", finish);
  document.getElementById("hp-proposal-undo").addEventListener("click", undo);
  document.getElementById("hp-proposal-clear").addEventListener("click", () => {
    setParam("proposal", null);
    startDrawing();
  });
  document.getElementById("hp-proposal-check").addEventListener("click", checkPasted);
  const shared = (getParam("proposal") || "").split(";").map((pair) => pair.split(",").map(parseFloat))
    .filter((c) => c.length === 2 && isFinite(c[0]) && isFinite(c[1]));
  if (shared.length >= 3) {
    ready.then(() => {
      adopt(L.polygon(shared.map((c) => L.latLng(c[1], c[0])), { ...style(), pmIgnore: false }));
      check();
    });
  }
  return {
    opened() { if (!drawn && !drawing && shared.length < 3) startDrawing(); },
    closed() { stopDrawing(); },
  };
}
