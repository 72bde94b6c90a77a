/* Drawing on the map with leaflet-geoman (free edition, from npm): a line to measure, a polygon to check
   as a proposal. While drawing, what was drawn so far is reported as it changes (a running length or
   area) and the last corner can be taken back; once drawn, a polygon's corners can be dragged, added (drag
   a midpoint) and removed (right-click). Imported on first use: the map's first load does not carry it. */
import "@geoman-io/leaflet-geoman-free";
import area from "@turf/area";
import { L, config, loadStyle, map, msg } from "./index.js";

L.PM.setOptIn(true); // geoman handles only the layers drawn here (pmIgnore: false), never the data layers
if (!map.pm) map.pm = new L.PM.Map(map); // the map was made before geoman came: give it geoman's handle
map.pm.setGlobalOptions({ snappable: false, exitModeOnEscape: true });
map.pm.setLang("hpmap", {
  tooltips: { firstVertex: msg.draw_first_corner, continueLine: msg.draw_next_corner,
              finishLine: msg.draw_finish_line, finishPoly: msg.draw_finish_polygon },
}, "en");

// geoman's handles (the marker under the cursor, the corners, the sides' midpoints) are Leaflet markers,
// which make themselves focusable buttons with no name. They answer a pointer only (the keyboard's way to a
// proposal is its panel's GeoJSON box): out of the tab order, hidden from screen readers.
map.on("layeradd", ({ layer }) => {
  const icon = layer instanceof L.Marker && layer.getElement();
  if (!icon || !icon.classList.contains("marker-icon")) return;
  icon.removeAttribute("role");
  icon.setAttribute("tabindex", "-1");
  icon.setAttribute("aria-hidden", "true");
});

/** Resolves when the drawing tools' style (vertex handles, tooltips) is in. */
export const ready = loadStyle(config.styles.draw);

/** Start drawing a ``shape`` ("Line" or "Polygon") styled ``pathOptions``. ``onChange(latlngs)`` hears of
    every corner added or taken back, ``onCreate(layer)`` receives the finished shape (on the map, editable).
    Returns the drawing's handle: ``corners()``, ``undo()`` (take back the last corner), ``finish()`` and
    ``cancel()``. */
export function draw(shape, { pathOptions, onChange, onCreate }) {
  const handler = map.pm.Draw[shape];
  const options = { ...pathOptions, pmIgnore: false };
  const created = (event) => {
    map.off("pm:create", created);
    onCreate(event.layer);
  };
  map.once("pm:drawstart", ({ workingLayer }) => workingLayer.on("pm:change", (event) => onChange(event.latlngs)));
  map.on("pm:create", created);
  map.pm.enableDraw(shape, { pathOptions: options, templineStyle: options, hintlineStyle: { ...options, dashArray: "5 5" },
                             finishOn: null, continueDrawing: false });
  const corners = () => (handler.enabled() && handler._layer ? handler._layer.getLatLngs() : []);
  return {
    corners,
    // _removeLastVertex and _finishShape are what geoman's own toolbar actions ("Remove last vertex",
    // "Finish") call; geoman offers no other way to ask for them (the version is pinned by the lockfile).
    undo() {
      if (corners().length > 1) handler._removeLastVertex();
    },
    finish() {
      handler._finishShape();
    },
    cancel() {
      map.off("pm:create", created);
      if (handler.enabled()) map.pm.disableDraw();
    },
  };
}

/** Let the user edit ``layer``'s corners; ``onChange(latlngs)`` while a corner moves, ``onEdit()`` after. */
export function editable(layer, { onChange, onEdit }) {
  layer.pm.enable({ allowSelfIntersection: true, snappable: false, draggable: false });
  layer.on("pm:change", (event) => onChange(event.latlngs));
  layer.on("pm:edit", onEdit);
}

/** The corners of a polygon layer's outer ring. */
export function ringOf(layer) {
  const latlngs = layer.getLatLngs();
  return Array.isArray(latlngs[0]) ? latlngs[0] : latlngs;
}

/** The area (ha) of the polygon whose corners are ``latlngs``, on a sphere (Turf): a running estimate
    while drawing. The check's answer, measured by the server in the UTM zone, is the figure to quote. */
export function areaHa(latlngs) {
  if (latlngs.length < 3) return 0;
  const ring = latlngs.map((p) => [p.lng, p.lat]);
  ring.push(ring[0]);
  return area({ type: "Polygon", coordinates: [ring] }) / 10000;
}

/** The length (km) of the line through ``latlngs``, as Leaflet measures distance. */
export function lengthKm(latlngs) {
  let metres = 0;
  for (let i = 1; i < latlngs.length; i++) metres += map.distance(latlngs[i - 1], latlngs[i]);
  return metres / 1000;
}
