/* The small map of a feature or comparison page: the features' outlines over their neighbours, from the API. */
(function () {
  "use strict";
  var L = window.L;
  var config = JSON.parse(document.getElementById("hp-feature-config").textContent);
  var COLOURS = ["#c0392b", "#1f6fb2", "#2b8a3e", "#8e44ad"];
  var map = L.map("hp-small-map", { scrollWheelZoom: false, attributionControl: true });
  if (config.tiles) {
    L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution, maxZoom: 19 }).addTo(map);
  }
  function load(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + url);
      return r.json();
    });
  }
  function label(text) {
    var node = document.createElement("span");
    node.textContent = text;
    return node;
  }
  var urls = config.featureUrls || [config.featureUrl];
  Promise.all([load(config.contextUrl)].concat(urls.map(load))).then(function (results) {
    var context = results[0], features = results.slice(1);
    var ids = features.map(function (f) { return f.id; });
    L.geoJSON(context, {
      filter: function (f) { return ids.indexOf(f.id) < 0; },
      style: function () { return { color: "#7b8794", weight: 1, fillOpacity: 0.08 }; },
      interactive: false
    }).addTo(map);
    var bounds = L.latLngBounds([]);
    features.forEach(function (feature, index) {
      var colour = COLOURS[index % COLOURS.length];
      var outline = L.geoJSON(feature, { style: function () { return { color: colour, weight: 2.5, fillOpacity: 0.35 }; } });
      outline.addTo(map);
      if (features.length > 1) {
        outline.bindTooltip(label(String(index + 1)), { permanent: true, direction: "center", className: "hp-map-number" });
      }
      bounds.extend(outline.getBounds());
    });
    map.fitBounds(bounds, { maxZoom: 14, padding: [24, 24] });
    document.body.setAttribute("data-ready", "true");
  }).catch(function (error) {
    document.body.setAttribute("data-ready", "error");
    throw error;
  });
})();
