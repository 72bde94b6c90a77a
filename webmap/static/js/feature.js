/* The small map of a feature page: the feature's outline over its neighbours, from the API. */
(function () {
  "use strict";
  var L = window.L;
  var config = JSON.parse(document.getElementById("hp-feature-config").textContent);
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
  Promise.all([load(config.featureUrl), load(config.contextUrl)]).then(function (results) {
    var feature = results[0], context = results[1];
    L.geoJSON(context, {
      filter: function (f) { return f.id !== feature.id; },
      style: function () { return { color: "#7b8794", weight: 1, fillOpacity: 0.08, interactive: false }; },
      interactive: false
    }).addTo(map);
    var outline = L.geoJSON(feature, { style: function () { return { color: "#c0392b", weight: 2.5, fillOpacity: 0.35 }; } }).addTo(map);
    map.fitBounds(outline.getBounds(), { maxZoom: 14, padding: [20, 20] });
    document.body.setAttribute("data-ready", "true");
  }).catch(function (error) {
    document.body.setAttribute("data-ready", "error");
    throw error;
  });
})();
