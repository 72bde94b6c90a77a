/* "Check a proposal": draw a polygon (or paste GeoJSON), POST it to /api/evaluate, show its area,
   economic zone, overlaps with existing parks and clusters, and distances. The corners live in the
   URL (?proposal=lon,lat;lon,lat;...) so a check can be shared. */
(function () {
  "use strict";

  var H = window.HPMap;
  var L = window.L;
  var el = H.el;
  var msg = H.labels.messages;
  var lang = H.config.lang;
  var map = H.map;
  var panel = document.getElementById("hp-proposal-panel");
  var toggle = document.getElementById("hp-proposal-toggle");
  var output = document.getElementById("hp-proposal-output");
  var message = document.getElementById("hp-proposal-message");
  if (!panel) return;

  var PLACES = {
    "lach-huyen": "place_lach_huyen", "nam-do-son": "place_nam_do_son", "cat-bi": "place_cat_bi",
    "tien-lang-airport": "place_tien_lang_airport", "city-centre": "place_city_centre"
  };
  var drawing = L.layerGroup().addTo(map);
  var points = [];

  function showMessage(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function redraw(closed) {
    drawing.clearLayers();
    if (!points.length) return;
    var style = { color: "#6f2dbd", weight: 3, dashArray: closed ? null : "5 5", fillOpacity: 0.2, interactive: false };
    drawing.addLayer(closed ? L.polygon(points, style) : L.polyline(points, style));
    points.forEach(function (p) { drawing.addLayer(L.circleMarker(p, { radius: 4, color: "#6f2dbd", interactive: false })); });
  }

  function onMapClick(event) {
    points.push(event.latlng);
    redraw(false);
  }

  function startDrawing() {
    points = [];
    output.hidden = true;
    showMessage("");
    redraw(false);
    map.on("click", onMapClick);
    map.getContainer().classList.add("hp-drawing");
  }

  function stopDrawing() {
    map.off("click", onMapClick);
    map.getContainer().classList.remove("hp-drawing");
  }

  function setOpen(open) {
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) {
      var other = document.getElementById("hp-sites-panel");
      if (other && !other.hidden) other.querySelector(".hp-close").click();
      if (!points.length) startDrawing();
    } else {
      stopDrawing();
    }
    H.setState("panel", open ? "proposal" : (H.getParam("panel") === "proposal" ? null : H.getParam("panel")));
  }

  function ring() {
    var coordinates = points.map(function (p) { return [+p.lng.toFixed(6), +p.lat.toFixed(6)]; });
    coordinates.push(coordinates[0]);
    return coordinates;
  }

  function finish() {
    if (points.length < 3) { showMessage(msg.proposal_need_points); return Promise.resolve(); }
    stopDrawing();
    redraw(true);
    H.setState("proposal", points.map(function (p) { return p.lng.toFixed(6) + "," + p.lat.toFixed(6); }).join(";"));
    return evaluate({ type: "Polygon", coordinates: [ring()] });
  }

  function evaluate(geometry) {
    showMessage("");
    return fetch("/api/evaluate?lang=" + lang, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(geometry)
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.description || String(response.status));
        return body;
      });
    }).then(render).catch(function (error) {
      output.hidden = true;
      showMessage(error.message);
    });
  }

  function zoneName(zone) {
    return lang === "vi" ? zone.name_vi : zone.name_en;
  }

  function render(result) {
    output.textContent = "";
    var facts = el("dl", { class: "hp-facts" }, [
      el("dt", { text: msg.proposal_area }),
      el("dd", { text: H.numberFormat.format(result.area_ha) + " ha" }),
      el("dt", { text: msg.proposal_zone }),
      el("dd", { text: result.zone ? zoneName(result.zone) + " (" + H.numberFormat.format(result.zone.share_pct) + " %)"
                                   : msg.proposal_outside })
    ]);
    output.appendChild(facts);
    output.appendChild(el("h3", { text: result.overlaps.length ? msg.proposal_overlaps : msg.proposal_no_overlap }));
    var overlaps = el("ul", { class: "hp-overlaps" });
    result.overlaps.forEach(function (overlap) {
      overlaps.appendChild(el("li", {}, [
        el("a", { href: H.featureUrl(overlap.id), text: lang === "vi" ? overlap.name_vi : overlap.name_en }),
        ": " + H.numberFormat.format(overlap.overlap_ha) + " ha (" + H.numberFormat.format(overlap.share_of_proposal_pct)
          + " % " + msg.of_proposal + ")"
      ]));
    });
    output.appendChild(overlaps);
    output.appendChild(el("h3", { text: msg.distances }));
    var distances = el("ul", { class: "hp-distances", title: msg.distance_note });
    Object.keys(result.distances_km).forEach(function (key) {
      if (result.distances_km[key] === null) return;
      distances.appendChild(el("li", { text: msg[PLACES[key]] + ": " + H.formatDistance(result.distances_km[key], result.distance_uncertainty_km[key]) }));
    });
    output.appendChild(distances);
    output.appendChild(el("p", { class: "hp-help", text: msg.distance_note }));
    output.hidden = false;
  }

  function checkPasted() {
    var text = document.getElementById("hp-proposal-geojson").value;
    var geometry;
    try { geometry = JSON.parse(text); } catch (e) { showMessage(e.message); return; }
    stopDrawing();
    drawing.clearLayers();
    try {
      var shape = L.geoJSON(geometry, { style: function () { return { color: "#6f2dbd", weight: 3, fillOpacity: 0.2 }; },
                                         interactive: false });
      drawing.addLayer(shape);
      if (shape.getBounds().isValid()) map.fitBounds(shape.getBounds(), { maxZoom: 14 });
    } catch (e) { /* the server says what is wrong with it */ }
    points = [];
    H.setState("proposal", null);
    evaluate(geometry);
  }

  toggle.addEventListener("click", function () { setOpen(panel.hidden); });
  panel.querySelector(".hp-close").addEventListener("click", function () { setOpen(false); });
  document.getElementById("hp-proposal-finish").addEventListener("click", finish);
  document.getElementById("hp-proposal-clear").addEventListener("click", function () {
    H.setState("proposal", null);
    startDrawing();
  });
  document.getElementById("hp-proposal-check").addEventListener("click", checkPasted);

  var shared = H.getParam("proposal");
  if (shared) {
    points = shared.split(";").map(function (pair) {
      var lonLat = pair.split(",").map(parseFloat);
      return L.latLng(lonLat[1], lonLat[0]);
    }).filter(function (p) { return isFinite(p.lat) && isFinite(p.lng); });
    panel.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    H.ready.then(finish);
  } else if (H.getParam("panel") === "proposal") {
    setOpen(true);
  }
})();
