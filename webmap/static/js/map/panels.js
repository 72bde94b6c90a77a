/* The site finder's and the proposal check's panels, one open at a time, the open one in the URL
   (?panel=). A panel's module and style load on its first opening, or at once when the URL asks for the
   panel (?panel=, or the panel's own parameters). A module exports ``mount(ready)``, which returns what to
   do as its panel opens and closes; ``ready`` resolves once the layers are drawn. */
import { loadStyle } from "./dom.js";
import { showProblem } from "./feedback.js";
import { config, msg } from "./page.js";
import { getParam, setParam } from "./state.js";

const MODULES = { sites: () => import("../sites.js"), proposal: () => import("../proposal.js") };
const PARAMS = { sites: ["sites"], proposal: ["proposal"] }; // parameters that open a panel
const panels = {}; // name -> {toggle, box, mounted: promise of the module's hooks}

function mount(name, ready) {
  const panel = panels[name];
  if (!panel.mounted) {
    panel.toggle.setAttribute("aria-busy", "true");
    panel.mounted = loadStyle(config.styles.panels).then(MODULES[name]).then((module) => module.mount(ready))
      .catch((error) => {
        panel.mounted = null; // a later click tries again
        showProblem(msg.tool_failed);
        throw error;
      }).finally(() => panel.toggle.removeAttribute("aria-busy"));
  }
  return panel.mounted;
}

async function setOpen(name, open) {
  const panel = panels[name];
  const hooks = await panel.mounted;
  if (open === !panel.box.hidden) return;
  if (open) Object.keys(panels).filter((other) => other !== name).forEach((other) => setOpen(other, false));
  panel.box.hidden = !open;
  panel.toggle.setAttribute("aria-expanded", String(open));
  if (open && hooks.opened) hooks.opened();
  if (!open && hooks.closed) hooks.closed();
  setParam("panel", open ? name : getParam("panel") === name ? null : getParam("panel"));
}

/** Arm each panel's button; open at once the panel the URL asks for. ``ready`` resolves once the layers
    are drawn. */
export function setUpPanels(ready) {
  for (const name of Object.keys(MODULES)) {
    const toggle = document.getElementById(`hp-${name}-toggle`);
    const box = document.getElementById(`hp-${name}-panel`);
    if (!toggle || !box) continue;
    panels[name] = { toggle, box, mounted: null };
    toggle.addEventListener("click", () => mount(name, ready).then(() => setOpen(name, box.hidden)));
    box.querySelector(".hp-close").addEventListener("click", () => setOpen(name, false));
    if (getParam("panel") === name || PARAMS[name].some((key) => getParam(key) !== null)) {
      mount(name, ready).then(() => setOpen(name, true));
    }
  }
}
