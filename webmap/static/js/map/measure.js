/* The distance measure: a button under the zoom control, with the running total below it. The measuring
   itself (measuring.js, with the drawing tools) is imported on the button's first use. */
import { el } from "./dom.js";
import { showProblem } from "./feedback.js";
import L from "./leaflet.js";
import { msg } from "./page.js";

export function measureControl() {
  const control = L.control({ position: "topleft" });
  const button = el("a", { href: "#", role: "button", class: "hp-measure-button", title: msg.measure,
                           "aria-label": msg.measure, "aria-pressed": "false", text: "↔" });
  const readout = el("div", { class: "hp-measure-readout", role: "status" });
  readout.hidden = true;
  control.onAdd = () => {
    const box = el("div", { class: "leaflet-bar hp-measure" }, [button, readout]);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.on(button, "click", (event) => {
      L.DomEvent.preventDefault(event);
      button.setAttribute("aria-busy", "true");
      import("./measuring.js").then((measuring) => measuring.toggle(button, readout))
        .catch((error) => { console.error(error); showProblem(msg.tool_failed); })
        .finally(() => button.removeAttribute("aria-busy"));
    });
    return box;
  };
  return control;
}
