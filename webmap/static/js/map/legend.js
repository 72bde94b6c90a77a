/* The legend (map.html, _legend.html): put in the map's bottom-left corner, folded on phones; its status
   checkboxes are the status filter, kept in the URL. */
import L from "./leaflet.js";
import { onStatusChange, showStatus, state } from "./state.js";

export function legendControl() {
  const box = document.getElementById("hp-legend");
  const toggle = box.querySelector(".hp-legend-toggle");
  const body = box.querySelector(".hp-legend-body");
  const inputs = box.querySelectorAll("input[data-status]");
  const sync = () => inputs.forEach((input) => { input.checked = state.status.has(input.value); });
  const fold = (open) => { body.hidden = !open; toggle.setAttribute("aria-expanded", String(open)); };
  sync();
  onStatusChange(sync);
  inputs.forEach((input) => input.addEventListener("change", () => showStatus(input.value, input.checked)));
  toggle.addEventListener("click", () => fold(body.hidden));
  if (window.matchMedia("(max-width: 600px)").matches) fold(false);
  L.DomEvent.disableClickPropagation(box);
  L.DomEvent.disableScrollPropagation(box);
  box.hidden = false;
  const control = L.control({ position: "bottomleft" });
  control.onAdd = () => box;
  return control;
}
