/* What the map says while it loads, and when something could not be loaded: the page's own note
   (map.html, shown before any script runs) until every layer is drawn; then nothing, or what failed and
   what to do, in the page's language. */
import { el } from "./dom.js";
import { map, msg } from "./page.js";

let note = null;

function theNote() {
  if (!note) note = document.getElementById("hp-loading") || el("div", { id: "hp-loading", class: "hp-loading-note" });
  if (!note.isConnected) map.getContainer().parentNode.appendChild(note); // gone once loaded: back for a later failure
  return note;
}

/** Say ``text`` as a problem, with what to do and a button to reload the page. */
export function showProblem(text) {
  const box = theNote();
  box.classList.remove("hp-loading");
  box.classList.add("hp-error");
  box.setAttribute("role", "alert");
  const reload = el("button", { type: "button", class: "hp-reload", text: msg.reload });
  reload.addEventListener("click", () => window.location.reload());
  box.replaceChildren(text + " " + msg.load_failed_help + " ", reload);
  box.hidden = false;
}

/** Say ``text`` as a notice that needs no reload (a refused position), with a button to close it. */
export function showNotice(text) {
  const box = theNote();
  box.classList.remove("hp-loading");
  box.classList.add("hp-error");
  box.setAttribute("role", "alert");
  const close = el("button", { type: "button", class: "hp-reload", text: msg.close });
  close.addEventListener("click", () => { box.hidden = true; });
  box.replaceChildren(text + " ", close);
  box.hidden = false;
}

/** The note says the layers are loading; the handle hears of each layer that failed and of the end. */
export function showLoading() {
  const box = theNote();
  box.textContent = msg.loading_layers;
  box.classList.add("hp-loading");
  const failed = [];
  return {
    /** A handler for the failed request of the layer ``cfg``. */
    failed: (cfg) => (error) => {
      console.error(error);
      if (!failed.includes(cfg.title)) failed.push(cfg.title);
      showProblem(msg.load_failed + ": " + failed.join(", ") + ".");
    },
    /** Every layer is in, or has failed: the note goes, unless it explains a failure. */
    done() {
      if (!failed.length) box.remove();
    },
    get errors() { return failed.length; },
  };
}
