/* Search by name, ignoring diacritics, case and punctuation: over the features of the layers loaded
   whole, indexed on the first search. Imported when the search box is first used (armSearch). */
import { el, fold, labels, msg, nameOf, onLayerLoaded, openFeature, wholeLayers } from "./index.js";

const MAX_RESULTS = 12;
let searchIndex = null;
onLayerLoaded(() => { searchIndex = null; }); // a layer that came after the first search

function searchItem(cfg, feature) {
  const p = feature.properties;
  const text = [p.name_vi, p.name_en, p.id].concat(p.aliases || []).join(" ");
  return { id: feature.id, name: nameOf(p), layer: cfg.title, status: p.status, folded: fold(text),
           aliases: (p.aliases || []).map(fold), order: cfg.searchOrder };
}

function searchItems() {
  if (!searchIndex) searchIndex = wholeLayers.flatMap(([cfg, list]) => list.map((f) => searchItem(cfg, f)));
  return searchIndex;
}

/** The features matching every word of ``query``: an exact name or alias first, then names starting with
    it, then the rest; within each, by the layers' order (config: searchOrder), then by name. */
export function search(query) {
  const folded = fold(query);
  const tokens = folded.split(" ").filter(Boolean);
  if (!tokens.length) return [];
  const rank = (item) => {
    const name = fold(item.name);
    const where = name.indexOf(folded);
    const exact = name === folded || item.aliases.includes(folded);
    return (exact ? 0 : where === 0 ? 1 : where > 0 ? 2 : 3) * 100 + item.order;
  };
  return searchItems().filter((item) => tokens.every((token) => item.folded.includes(token)))
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name)).slice(0, MAX_RESULTS);
}

/** Handle the search box ``input`` and its result list ``list`` (map.html). */
export function setUpSearch(input, list) {
  function choose(id) {
    list.hidden = true;
    input.value = "";
    openFeature(id, true);
  }
  function show() {
    const results = search(input.value);
    list.textContent = "";
    if (!input.value.trim()) { list.hidden = true; return; }
    if (!results.length) list.appendChild(el("li", { class: "hp-search-none", text: msg.search_none }));
    for (const item of results) {
      const button = el("button", { type: "button", role: "option", "data-feature-id": item.id }, [
        el("span", { class: "hp-result-name", text: item.name }),
        el("span", { class: "hp-result-layer", text: item.layer + " · " + (labels.status[item.status] || "") }),
      ]);
      button.addEventListener("click", () => choose(item.id));
      list.appendChild(el("li", {}, [button]));
    }
    list.hidden = false;
  }
  input.addEventListener("input", show);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      const first = search(input.value)[0];
      if (first) { event.preventDefault(); choose(first.id); }
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault(); // closes the list, not the popup (hpmap.js)
      list.hidden = true;
    } else if (event.key === "ArrowDown") {
      const button = list.querySelector("button");
      if (button) { event.preventDefault(); button.focus(); }
    }
  });
  list.addEventListener("keydown", (event) => {
    const item = document.activeElement && document.activeElement.closest("li");
    if (!item) return;
    if (event.key === "ArrowDown" && item.nextElementSibling) {
      event.preventDefault();
      item.nextElementSibling.querySelector("button").focus();
    }
    if (event.key === "ArrowUp") {
      event.preventDefault();
      (item.previousElementSibling ? item.previousElementSibling.querySelector("button") : input).focus();
    }
    if (event.key === "Escape") { event.preventDefault(); list.hidden = true; input.focus(); }
  });
  if (input.value) show(); // typed while this module was on its way
}
