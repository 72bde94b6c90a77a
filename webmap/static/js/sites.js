/* The investor's site finder: a form over GET /api/sites, ranked results with their score broken down by
   criterion, highlighted on the map; the whole query lives in the URL (?sites=...). Imported with its
   panel's first opening (map/panels.js). */
import {
  L, boundsOf, criterionOf, el, entries, featureUrl, formatDistance, getParam, lang, map, msg, nameOf, numberFormat,
  onRedraw, openFeature, requestJson, setParam,
} from "./map/index.js";

const form = document.getElementById("hp-sites-form");
const output = document.getElementById("hp-sites-output");
const list = document.getElementById("hp-sites-results");
const unknown = document.getElementById("hp-sites-unknown");
const message = document.getElementById("hp-sites-message");
const compare = document.getElementById("hp-sites-compare");
const rankMarkers = L.layerGroup().addTo(map);
let highlighted = [];
let lastResults = [];

// ---------------------------------------------------------------- form <-> query
function queryFromForm() {
  const params = new URLSearchParams();
  new FormData(form).forEach((value, key) => {
    if (value === "" || value === null) return;
    const input = form.elements[key];
    if (input && input.type === "range" && input.getAttribute("data-default") === value) return;
    if (key === "in_zone" && value === "any") return;
    if (key === "unknowns" && value === "apart") return;
    params.append(key, value);
  });
  return params;
}

function fillForm(params) {
  form.reset();
  const statuses = params.getAll("status");
  form.querySelectorAll('input[name="status"]').forEach((box) => {
    box.checked = !statuses.length || statuses.includes(box.value);
  });
  params.forEach((value, key) => {
    const input = form.elements[key];
    if (input && key !== "status") input.value = value;
  });
  syncOutputs();
}

function syncOutputs() {
  form.querySelectorAll('input[type="range"]').forEach((range) => {
    range.nextElementSibling.textContent = range.value;
  });
}

function showMessage(text) {
  message.textContent = text;
  message.hidden = !text;
}

// ---------------------------------------------------------------- search
function run() {
  const params = queryFromForm();
  if (!params.getAll("status").length) { showMessage(msg.sites_need_status); return Promise.resolve(); }
  showMessage("");
  setParam("sites", params.toString() || "all");
  const query = params.toString();
  return requestJson("/api/sites?" + query + (query ? "&" : "") + "lang=" + lang)
    .then((body) => render(body, params))
    .catch((error) => {
      output.hidden = true;
      showMessage(error.message);
    });
}

function breakdownBar(breakdown) {
  const bar = el("div", { class: "hp-breakdown", role: "img" });
  const parts = [];
  for (const [key, points] of Object.entries(breakdown)) {
    const criterion = criterionOf(key);
    const segment = el("span", { class: "hp-breakdown-part hp-criterion-" + criterion.id,
                                 title: criterion.label + ": " + points });
    segment.style.width = Math.max(0, points) + "%"; // CSSOM: no style attribute for the CSP to refuse
    bar.appendChild(segment);
    parts.push(criterion.label + " " + numberFormat.format(points) + " " + msg.points);
  }
  bar.setAttribute("aria-label", parts.join(", "));
  return [bar, el("p", { class: "hp-breakdown-text", text: parts.join(" · ") })];
}

function resultItem(result) {
  const name = nameOf(result);
  const pick = el("input", { type: "checkbox", value: result.id, "aria-label": msg.sites_pick + ": " + name });
  pick.addEventListener("change", updateCompare);
  const open = el("button", { type: "button", class: "hp-link-button", text: name });
  open.addEventListener("click", () => openFeature(result.id, true));
  const distances = Object.keys(result.distances_km).filter((key) => result.distances_km[key] !== null)
    .map((key) => criterionOf(key).label + " " + formatDistance(result.distances_km[key], result.distance_uncertainty_km[key]));
  const free = result.free_ha === null ? msg.no_data
    : numberFormat.format(result.free_ha) + " ha (" + result.free_ha_as_of + ")";
  const [bar, barText] = breakdownBar(result.score_breakdown);
  const rank = result.rank === null ? "–" : (result.tied ? "=" : "") + result.rank;
  const score = result.score === null ? msg.sites_not_scored : msg.score + " " + numberFormat.format(result.score);
  const item = el("li", { "data-feature-id": result.id }, [
    el("div", { class: "hp-result-head" }, [
      pick, el("span", { class: "hp-rank", text: rank, title: result.tied ? msg.sites_tied : "" }), open,
      el("span", { class: "hp-score", text: score }),
    ]),
    bar, barText,
    el("p", { class: "hp-result-facts", text: msg.free_ha + ": " + free }),
  ]);
  if (result.unknown_criteria.length) {
    item.classList.add("hp-result-lacking");
    item.appendChild(el("p", { class: "hp-result-lacks", text: msg.sites_lacks + ": " + result.reasons.join("; ") }));
  }
  item.append(el("p", { class: "hp-result-facts", text: distances.join(" · ") }),
              el("a", { href: featureUrl(result.id), text: msg.details + " →" }));
  return item;
}

function render(body, params) {
  list.textContent = "";
  body.results.forEach((result) => list.appendChild(resultItem(result)));
  let summary = body.results.length ? body.results.length + " " + msg.sites_results : msg.sites_none;
  if (body.excluded_unknown) summary += " · " + body.excluded_unknown + " " + msg.sites_excluded;
  document.getElementById("hp-sites-summary").textContent = summary;
  document.getElementById("hp-sites-explained").textContent = body.score_explanation;
  const unknownList = unknown.querySelector("ul");
  unknownList.textContent = "";
  for (const item of body.unknown) {
    unknownList.appendChild(el("li", {}, [
      el("a", { href: featureUrl(item.id), text: nameOf(item) }), ": " + item.reasons.join("; "),
    ]));
  }
  unknown.querySelector("summary").textContent = body.unknown.length + " " + msg.sites_unknown;
  unknown.hidden = !body.unknown.length;
  const query = params.toString() + (params.toString() ? "&" : "") + "lang=" + lang + "&f=";
  document.getElementById("hp-sites-xlsx").setAttribute("href", "/api/sites?" + query + "xlsx");
  document.getElementById("hp-sites-csv").setAttribute("href", "/api/sites?" + query + "csv");
  document.getElementById("hp-sites-geojson").setAttribute("href", "/api/sites?" + query + "geojson");
  output.hidden = false;
  output.scrollIntoView({ block: "start" });
  updateCompare();
  highlight(body.results);
}

function updateCompare() {
  const ids = Array.from(list.querySelectorAll('input[type="checkbox"]:checked'), (box) => box.value);
  if (ids.length >= 2 && ids.length <= 4) {
    compare.setAttribute("href", "/compare?ids=" + ids.map(encodeURIComponent).join(",") + "&lang=" + lang);
    compare.removeAttribute("aria-disabled");
  } else {
    compare.removeAttribute("href");
    compare.setAttribute("aria-disabled", "true");
  }
}

// ---------------------------------------------------------------- map highlight
function highlight(results) {
  lastResults = results;
  applyHighlight();
  const corners = results.map((r) => entries[r.id]).filter(Boolean).map((entry) => boundsOf(entry.layer))
    .flatMap((b) => [b.getSouthWest(), b.getNorthEast()]);
  const bounds = L.latLngBounds(corners);
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [40, 40], maxZoom: 13 });
}

function applyHighlight() {
  highlighted.forEach((entry) => entry.layer.getElement()?.classList.remove("hp-picked")); // none once redrawn
  highlighted = [];
  rankMarkers.clearLayers();
  for (const result of lastResults) {
    const entry = entries[result.id];
    if (!entry || !map.hasLayer(entry.layer) || result.rank === null) continue;
    entry.layer.getElement().classList.add("hp-picked");
    entry.layer.bringToFront();
    highlighted.push(entry);
    rankMarkers.addLayer(L.marker(boundsOf(entry.layer).getCenter(), {
      icon: L.divIcon({ className: "hp-rank-marker", html: String(result.rank), iconSize: [22, 22] }),
      keyboard: false, interactive: false,
    }));
  }
}

/** Wire the form; run the query the URL carries once the layers are drawn (``ready``). */
export function mount(ready) {
  onRedraw(() => { if (lastResults.length) applyHighlight(); });
  form.addEventListener("input", syncOutputs);
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  form.addEventListener("reset", () => {
    window.setTimeout(syncOutputs, 0);
    output.hidden = true;
    lastResults = [];
    applyHighlight();
    setParam("sites", null);
  });
  const initial = getParam("sites");
  if (initial !== null && initial !== "all") fillForm(new URLSearchParams(initial));
  if (initial !== null) ready.then(run);
  return {};
}
