/* Search over names, aliases, tenants, communes (2025), old districts, former provinces and places, ignoring
   diacritics, case and punctuation. The index (GET /api/search-index) comes on the first use of the search box,
   never with the page. Each result says why it matched ("tenant: LG Display") unless its name did. */
import { L, config, el, fold, labels, lang, map, msg, nameOf, openFeature, requestJson } from "./index.js";

const MAX_RESULTS = 12;
// How strongly each kind of match counts: a feature's name first, then a place's, then the rest.
const KIND_RANK = { name: 0, place: 1, alias: 2, tenant: 3, commune: 4, old_district: 5, province: 6 };
const KIND_LABEL = {
  alias: () => msg.search_alias, tenant: () => msg.search_tenant, commune: () => msg.search_commune,
  old_district: () => msg.search_old_district, province: () => msg.search_province,
};
let index = null;
let indexRequest = null;

/** The search index, asked for once (again after a failure). */
export function loadIndex() {
  if (!indexRequest) {
    indexRequest = requestJson("/api/search-index?lang=" + encodeURIComponent(lang)).then((body) => {
      index = prepare(body);
      return index;
    }, (error) => { indexRequest = null; throw error; });
  }
  return indexRequest;
}

function folded(kind, text) {
  return { kind, text, words: " " + fold(text) };
}

function prepare(body) {
  const order = Object.fromEntries(config.layers.map((cfg) => [cfg.id, cfg]));
  const features = body.features.map((f) => {
    const cfg = order[f.layer] || { title: f.layer, searchOrder: 99 };
    const name = nameOf(f);
    return {
      id: f.id, name, layer: cfg.title, status: f.status, order: cfg.searchOrder,
      fields: [folded("name", f.name_vi), folded("name", f.name_en), folded("name", f.id)]
        .concat(f.matches.map(([kind, text]) => folded(kind, text))),
    };
  });
  const places = body.places.map((p) => ({
    place: p, name: nameOf(p), order: 0, fields: [folded("place", p.name_vi), folded("place", p.name_en)],
  }));
  return features.concat(places);
}

// A query word matches the start of a word of the text ("lg" finds "LG Display", not "Bulgaria").
const hasWord = (field, token) => field.words.includes(" " + token);

/** The strongest field of ``item`` holding every word of ``tokens`` (all in one field: "hai duong" is not
    "Hải Phòng" plus "An Dương"): a name or alias equal to the query, else the strongest kind; or null. */
function matchOf(item, tokens, whole) {
  let best = null;
  let bestStrength = Infinity;
  for (const field of item.fields) {
    if (!tokens.every((token) => hasWord(field, token))) continue;
    const exact = fold(field.text) === whole;
    const strength = exact && KIND_RANK[field.kind] <= KIND_RANK.alias ? -1 : KIND_RANK[field.kind];
    if (strength < bestStrength) {
      best = { field, rank: KIND_RANK[field.kind], exact };
      bestStrength = strength;
    }
  }
  return best;
}

/** The results for ``query``: each {item, field, rank}; a name or alias equal to the query first, then name
    matches, places, aliases, tenants, communes, old districts and former provinces; then the layers' order. */
export function search(query) {
  const whole = fold(query);
  const tokens = whole.split(" ").filter(Boolean);
  if (!tokens.length || !index) return [];
  const results = [];
  for (const item of index) {
    const match = matchOf(item, tokens, whole);
    if (match) results.push({ item, ...match });
  }
  // A name or alias equal to the query first ("Lạch Huyện" is the port's), then by kind of match.
  const tier = (r) => (r.exact && r.rank <= KIND_RANK.alias ? 0 : 1 + r.rank * 2 + (r.exact ? 0 : 1));
  const score = (r) => tier(r) * 100 + r.item.order;
  return results.sort((a, b) => score(a) - score(b) || a.item.name.localeCompare(b.item.name)).slice(0, MAX_RESULTS);
}

/** Why a result matched, in the page's language: "tenant: LG Display"; nothing when its name did. */
export function explain(result) {
  const label = KIND_LABEL[result.field.kind];
  return label ? label() + ": " + result.field.text : "";
}

function resultButton(result) {
  const { item } = result;
  const kind = item.place ? msg.search_place : item.layer + " · " + (labels.status[item.status] || "");
  const parts = [el("span", { class: "hp-result-name", text: item.name }),
    el("span", { class: "hp-result-layer", text: kind })];
  const why = explain(result);
  if (why) parts.push(el("span", { class: "hp-result-why", text: why }));
  const attributes = { type: "button", role: "option" };
  if (item.place) attributes["data-place-id"] = item.place.id;
  else attributes["data-feature-id"] = item.id;
  return el("button", attributes, parts);
}

function showPlace(place) {
  const at = [place.lat, place.lon];
  map.setView(at, Math.max(map.getZoom(), 13), { animate: false });
  L.popup().setLatLng(at).setContent(el("strong", { text: nameOf(place) })).openOn(map);
}

/** Handle the search box ``input`` and its result list ``list`` (map.html). */
export function setUpSearch(input, list) {
  function choose(result) {
    list.hidden = true;
    input.value = "";
    if (result.item.place) showPlace(result.item.place);
    else openFeature(result.item.id, true);
  }
  function show() {
    list.textContent = "";
    if (!input.value.trim()) { list.hidden = true; return; }
    if (!index) {
      list.appendChild(el("li", { class: "hp-search-none", text: msg.loading }));
      list.hidden = false;
      loadIndex().then(show, (error) => {
        list.textContent = "";
        list.appendChild(el("li", { class: "hp-search-none", text: error.message }));
      });
      return;
    }
    const results = search(input.value);
    if (!results.length) list.appendChild(el("li", { class: "hp-search-none", text: msg.search_none }));
    for (const result of results) {
      const button = resultButton(result);
      button.addEventListener("click", () => choose(result));
      list.appendChild(el("li", {}, [button]));
    }
    list.hidden = false;
  }
  input.addEventListener("input", show);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      const first = search(input.value)[0];
      if (first) { event.preventDefault(); choose(first); }
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
  loadIndex().catch(() => {}); // on the box's first focus, so that the index is usually there by the first key
  if (input.value) show(); // typed while this module was on its way
}
