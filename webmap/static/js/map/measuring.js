/* Measuring a distance (the measure button, measure.js): each click on the map adds a point and the total
   shows below the button; clicking a point already placed, or the button, ends the line; the next use
   starts a new one. Drawn with the drawing tools (draw.js). */
import { map, msg, numberFormat, palette } from "./index.js";

let drawing = null; // the line being drawn
let drawn = null; // the last line measured

/** Start measuring, or end the measure under way. */
export async function toggle(button, readout) {
  if (drawing) { stop(); return; }
  const { draw, lengthKm, ready } = await import("./draw.js"); // with the proposal check's panel too
  await ready;
  if (drawn) map.removeLayer(drawn);
  drawn = null;
  const ended = () => {
    drawing = null;
    map.getContainer().classList.remove("hp-measuring");
    button.setAttribute("aria-pressed", "false");
  };
  drawing = draw("Line", {
    pathOptions: { color: palette("measuring"), weight: 2, dashArray: "4 4" },
    onChange: (latlngs) => {
      readout.textContent = msg.measure_total + ": " + numberFormat.format(lengthKm(latlngs)) + " km";
    },
    onCreate: (line) => { drawn = line; ended(); },
  });
  map.once("pm:drawend", () => { if (drawing) ended(); }); // ended otherwise (Esc)
  map.getContainer().classList.add("hp-measuring");
  button.setAttribute("aria-pressed", "true");
  readout.textContent = msg.measure_hint;
  readout.hidden = false;
}

function stop() {
  if (drawing.corners().length > 1) drawing.finish(); else drawing.cancel();
}
