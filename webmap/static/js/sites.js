/* The investor's site finder: a form over GET /api/sites, ranked results with their score broken
   down by criterion, highlighted on the map; the whole query lives in the URL (?sites=...). */
(function () {
  "use strict";

  var H = window.HPMap;
  var L = window.L;
  var el = H.el;
  var msg = H.labels.messages;
  var lang = H.config.lang;
  var panel = document.getElementById("hp-sites-panel");
  var form = document.getElementById("hp-sites-form");
  var toggle = document.getElementById("hp-sites-toggle");
  var output = document.getElementById("hp-sites-output");
  var list = document.getElementById("hp-sites-results");
  var unknown = document.getElementById("hp-sites-unknown");
  var message = document.getElementById("hp-sites-message");
  var compare = document.getElementById("hp-sites-compare");
  if (!panel || !form) return;

  var CRITERIA = {
    "free_land": "criterion_free_land", "lach-huyen": "place_lach_huyen", "nam-do-son": "place_nam_do_son",
    "cat-bi": "place_cat_bi", "tien-lang-airport": "place_tien_lang_airport", "city-centre": "place_city_centre"
  };
  var CRITERION_COLOURS = {
    "free_land": "#2b8a3e", "lach-huyen": "#1f6fb2", "nam-do-son": "#5c7cfa", "cat-bi": "#e67700",
    "tien-lang-airport": "#f08c00", "city-centre": "#868e96"
  };
  var rankMarkers = L.layerGroup().addTo(H.map);
  var highlighted = [];

  // ---------------------------------------------------------------- form <-> query
  function queryFromForm() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value === "" || value === null) return;
      var input = form.elements[key];
      if (input && input.type === "range" && input.getAttribute("data-default") === value) return;
      if (key === "in_zone" && value === "any") return;
      if (key === "unknowns" && value === "apart") return;
      params.append(key, value);
    });
    return params;
  }

  function fillForm(params) {
    form.reset();
    var statuses = params.getAll("status");
    form.querySelectorAll('input[name="status"]').forEach(function (box) {
      box.checked = !statuses.length || statuses.indexOf(box.value) >= 0;
    });
    params.forEach(function (value, key) {
      var input = form.elements[key];
      if (!input || key === "status") return;
      input.value = value;
    });
    syncOutputs();
  }

  function syncOutputs() {
    form.querySelectorAll('input[type="range"]').forEach(function (range) {
      range.nextElementSibling.textContent = range.value;
    });
  }

  // ---------------------------------------------------------------- panel
  function setOpen(open) {
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) {
      var other = document.getElementById("hp-proposal-panel");
      if (other && !other.hidden) other.querySelector(".hp-close").click();
    }
    H.setState("panel", open ? "sites" : (H.getParam("panel") === "sites" ? null : H.getParam("panel")));
  }

  function showMessage(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  // ---------------------------------------------------------------- search
  function run() {
    var params = queryFromForm();
    if (!params.getAll("status").length) { showMessage(msg.sites_need_status); return Promise.resolve(); }
    showMessage("");
    H.setState("sites", params.toString() || "all");
    var url = "/api/sites?" + params.toString();
    return fetch(url + (params.toString() ? "&" : "") + "lang=" + lang).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.description || response.status);
        return body;
      });
    }).then(function (body) {
      render(body, params);
    }).catch(function (error) {
      output.hidden = true;
      showMessage(error.message);
    });
  }

  function breakdownBar(breakdown) {
    var bar = el("div", { class: "hp-breakdown", role: "img" });
    var parts = [];
    Object.keys(breakdown).forEach(function (criterion) {
      var points = breakdown[criterion];
      var segment = el("span", { class: "hp-breakdown-part", title: msg[CRITERIA[criterion]] + ": " + points });
      segment.style.width = Math.max(0, points) + "%";
      segment.style.background = CRITERION_COLOURS[criterion] || "#999";
      bar.appendChild(segment);
      parts.push(msg[CRITERIA[criterion]] + " " + H.numberFormat.format(points) + " " + msg.points);
    });
    bar.setAttribute("aria-label", parts.join(", "));
    return [bar, el("p", { class: "hp-breakdown-text", text: parts.join(" · ") })];
  }

  function resultItem(result) {
    var name = lang === "vi" ? result.name_vi : result.name_en;
    var pick = el("input", { type: "checkbox", value: result.id, "aria-label": msg.sites_pick + ": " + name });
    pick.addEventListener("change", updateCompare);
    var open = el("button", { type: "button", class: "hp-link-button", text: name });
    open.addEventListener("click", function () { H.open(result.id, true); });
    var distances = Object.keys(result.distances_km).filter(function (key) {
      return result.distances_km[key] !== null;
    }).map(function (key) {
      return msg[CRITERIA[key]] + " " + H.formatDistance(result.distances_km[key], result.distance_uncertainty_km[key]);
    });
    var free = result.free_ha === null ? msg.no_data
      : H.numberFormat.format(result.free_ha) + " ha (" + result.free_ha_as_of + ")";
    var bar = breakdownBar(result.score_breakdown);
    var rank = result.rank === null ? "–" : (result.tied ? "=" : "") + result.rank;
    var score = result.score === null ? msg.sites_not_scored : msg.score + " " + H.numberFormat.format(result.score);
    var item = el("li", { "data-feature-id": result.id }, [
      el("div", { class: "hp-result-head" }, [
        pick, el("span", { class: "hp-rank", text: rank, title: result.tied ? msg.sites_tied : "" }), open,
        el("span", { class: "hp-score", text: score })
      ]),
      bar[0], bar[1],
      el("p", { class: "hp-result-facts", text: msg.free_ha + ": " + free })
    ]);
    if (result.unknown_criteria.length) {
      item.classList.add("hp-result-lacking");
      item.appendChild(el("p", { class: "hp-result-lacks", text: msg.sites_lacks + ": " + result.reasons.join("; ") }));
    }
    [el("p", { class: "hp-result-facts", text: distances.join(" · ") }),
      el("a", { href: H.featureUrl(result.id), text: msg.details + " →" })].forEach(function (node) {
      item.appendChild(node);
    });
    return item;
  }

  function render(body, params) {
    list.textContent = "";
    body.results.forEach(function (result) { list.appendChild(resultItem(result)); });
    var summary = body.results.length ? body.results.length + " " + msg.sites_results : msg.sites_none;
    if (body.excluded_unknown) summary += " · " + body.excluded_unknown + " " + msg.sites_excluded;
    document.getElementById("hp-sites-summary").textContent = summary;
    document.getElementById("hp-sites-explained").textContent = body.score_explanation;
    var unknownList = unknown.querySelector("ul");
    unknownList.textContent = "";
    body.unknown.forEach(function (item) {
      var name = lang === "vi" ? item.name_vi : item.name_en;
      unknownList.appendChild(el("li", {}, [
        el("a", { href: H.featureUrl(item.id), text: name }), ": " + item.reasons.join("; ")
      ]));
    });
    unknown.querySelector("summary").textContent = body.unknown.length + " " + msg.sites_unknown;
    unknown.hidden = !body.unknown.length;
    var query = params.toString() + (params.toString() ? "&" : "") + "lang=" + lang + "&f=";
    document.getElementById("hp-sites-csv").setAttribute("href", "/api/sites?" + query + "csv");
    document.getElementById("hp-sites-geojson").setAttribute("href", "/api/sites?" + query + "geojson");
    output.hidden = false;
    output.scrollIntoView({ block: "start" });
    updateCompare();
    highlight(body.results);
  }

  function updateCompare() {
    var ids = Array.prototype.map.call(list.querySelectorAll('input[type="checkbox"]:checked'), function (box) {
      return box.value;
    });
    if (ids.length >= 2 && ids.length <= 4) {
      compare.setAttribute("href", "/compare?ids=" + ids.map(encodeURIComponent).join(",") + "&lang=" + lang);
      compare.removeAttribute("aria-disabled");
    } else {
      compare.removeAttribute("href");
      compare.setAttribute("aria-disabled", "true");
    }
  }

  // ---------------------------------------------------------------- map highlight
  var lastResults = [];

  function highlight(results) {
    lastResults = results;
    applyHighlight();
    if (results.length) {
      var bounds = L.latLngBounds(results.map(function (r) {
        var entry = H.entries[r.id];
        return entry ? entry.layer.getBounds() : null;
      }).filter(Boolean).reduce(function (all, b) { return all.concat([b.getSouthWest(), b.getNorthEast()]); }, []));
      if (bounds.isValid()) H.map.fitBounds(bounds, { padding: [40, 40], maxZoom: 13 });
    }
  }

  function applyHighlight() {
    highlighted.forEach(function (entry) { entry.layer.setStyle(H.styleFor(entry.cfg, entry.feature.properties)); });
    highlighted = [];
    rankMarkers.clearLayers();
    lastResults.forEach(function (result) {
      var entry = H.entries[result.id];
      if (!entry || !H.map.hasLayer(entry.layer) || result.rank === null) return;
      entry.layer.setStyle({ weight: 4, color: "#111", opacity: 1 });
      entry.layer.bringToFront();
      highlighted.push(entry);
      var centre = entry.layer.getBounds().getCenter();
      rankMarkers.addLayer(L.marker(centre, {
        icon: L.divIcon({ className: "hp-rank-marker", html: String(result.rank), iconSize: [22, 22] }),
        keyboard: false, interactive: false
      }));
    });
  }

  H.onRedraw(function () { if (lastResults.length) applyHighlight(); });

  // ---------------------------------------------------------------- events and start
  toggle.addEventListener("click", function () { setOpen(panel.hidden); });
  panel.querySelector(".hp-close").addEventListener("click", function () { setOpen(false); });
  form.addEventListener("input", syncOutputs);
  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  form.addEventListener("reset", function () {
    window.setTimeout(syncOutputs, 0);
    output.hidden = true;
    lastResults = [];
    applyHighlight();
    H.setState("sites", null);
  });

  var initial = H.getParam("sites");
  if (initial !== null || H.getParam("panel") === "sites") {
    if (initial !== null && initial !== "all") fillForm(new URLSearchParams(initial));
    setOpen(true);
    if (initial !== null) H.ready.then(run);
  }
})();
