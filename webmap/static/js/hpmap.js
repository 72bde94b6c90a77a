/* Hải Phòng Industrial Map: fills Folium's empty layer groups from the API and adds the
   interactive parts (popups, search, legend and filters, measurement, shareable URL).
   Attribute values are data, never markup: every text goes in through textContent.
   Served minified as dist/hpmap.js (tools/vendor-assets.sh); the panels' scripts (sites.js,
   proposal.js) are loaded when a panel is first opened. */
(function () {
  "use strict";

  var L = window.L;
  var config = JSON.parse(document.getElementById("hpmap-config").textContent);
  var map = window[config.mapVar];
  var labels = config.labels;
  var msg = labels.messages;
  var lang = config.lang;
  var STATUSES = ["operating", "under_construction", "planned", "proposed"];
  var COLOURS = {
    "economic-zones": "#c99a06", "industrial-parks": "#c0392b", "industrial-clusters": "#e67e22",
    "ports": "#1f6fb2", "airports": "#1e8449", "factories": "#6d4c41"
  };
  var OTHER_COLOUR = "#555";
  var FTZ_COLOUR = "#8e44ad";
  var STATUS_STYLE = {
    operating: { fillOpacity: 0.55, dashArray: null, weight: 1.5 },
    under_construction: { fillOpacity: 0.35, dashArray: "6 4", weight: 2 },
    planned: { fillOpacity: 0.15, dashArray: "3 5", weight: 2 },
    proposed: { fillOpacity: 0.04, dashArray: "1 5", weight: 2 }
  };
  var POPUP_FIELDS = {
    "economic-zones": ["area_ha", "year_established"],
    "industrial-parks": ["area_ha", "leasable_ha", "occupancy_pct", "year_established", "investment_vnd_bn"],
    "industrial-clusters": ["area_ha", "occupancy_pct", "year_established", "investment_vnd_bn"],
    "ports": ["area_ha", "capacity_teu_per_year", "quay_length_m"],
    "airports": ["area_ha", "runway_length_m", "passengers_per_year"],
    "factories": []
  };
  var ALWAYS_SHOWN = { area_ha: true, occupancy_pct: true, leasable_ha: true };
  var PLACES = ["lach_huyen", "nam_do_son", "cat_bi", "tien_lang_airport", "city_centre"];
  var numberFormat = new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 2 });
  var yearFormat = { format: function (value) { return String(Math.round(value)); } };

  var features = {};      // layer id -> GeoJSON features, with the properties the map draws (config: url)
  var whole = {};         // feature id -> the feature with every property, fetched when its popup first opens
  var entries = {};       // feature id -> {layer, feature, cfg}
  var state = readState();
  var searchable = [];    // [layer config, its features] of each layer loaded whole
  var searchIndex = null; // built from them on the first search, not while the map is drawn
  var OWN_PARAMS = ["lang", "lat", "lon", "z", "f", "status", "layers"];
  var extraState = {};    // URL parameters owned by the panels (site finder, proposal check): kept as they are
  new URLSearchParams(window.location.search).forEach(function (value, key) {
    if (OWN_PARAMS.indexOf(key) < 0) extraState[key] = value;
  });
  var restyleHooks = [];  // functions(featureId, layer) applied after a layer is (re)drawn

  // ---------------------------------------------------------------- small helpers
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined) return;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === "") return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function fold(text) {
    return String(text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[\s\-–—_/.,;:()]+/g, " ").trim();
  }

  function safeUrl(url) {
    return /^https?:\/\//i.test(url || "") ? url : null;
  }

  function sourceLabel(source) {
    var url = safeUrl(source.location);
    if (!url) return source.location;
    try { return new URL(url).hostname.replace(/^www\./, ""); } catch (e) { return url; }
  }

  function nameOf(props) {
    return (lang === "vi" ? props.name_vi : props.name_en) || props.name_vi || props.id;
  }

  function featureUrl(id) {
    return config.featurePage + encodeURIComponent(id) + "?lang=" + lang;
  }

  // ---------------------------------------------------------------- URL state
  function readState() {
    var params = new URLSearchParams(window.location.search);
    var status = params.get("status");
    var layers = params.get("layers");
    return {
      lat: parseFloat(params.get("lat")), lon: parseFloat(params.get("lon")), z: parseInt(params.get("z"), 10),
      f: params.get("f"),
      status: new Set(status ? status.split(",").filter(function (s) { return STATUSES.indexOf(s) >= 0; }) : STATUSES),
      layers: layers === null ? null : new Set(layers.split(","))
    };
  }

  function stateParams(language) {
    var params = new URLSearchParams();
    params.set("lang", language || lang);
    var centre = map.getCenter();
    params.set("lat", centre.lat.toFixed(5));
    params.set("lon", centre.lng.toFixed(5));
    params.set("z", String(map.getZoom()));
    if (state.f) params.set("f", state.f);
    if (state.status.size !== STATUSES.length) params.set("status", STATUSES.filter(function (s) { return state.status.has(s); }).join(","));
    Object.keys(extraState).forEach(function (key) { params.set(key, extraState[key]); });
    var hidden = config.layers.filter(function (cfg) { return !map.hasLayer(window[cfg.groupVar]); });
    if (hidden.length) {
      params.set("layers", config.layers.filter(function (cfg) { return map.hasLayer(window[cfg.groupVar]); })
        .map(function (cfg) { return cfg.id; }).join(","));
    }
    return params;
  }

  function writeState() {
    window.history.replaceState(null, "", "?" + stateParams().toString());
    document.querySelectorAll("[data-lang-switch]").forEach(function (link) {
      link.setAttribute("href", "?" + stateParams(link.getAttribute("data-lang-switch")).toString());
    });
  }

  // ---------------------------------------------------------------- styles
  function styleFor(cfg, props) {
    var base = STATUS_STYLE[props.status] || STATUS_STYLE.planned;
    var colour = props.kind === "free_trade_zone_site" ? FTZ_COLOUR : COLOURS[cfg.id] || OTHER_COLOUR;
    var style = { color: colour, fillColor: colour, weight: base.weight, opacity: 0.9,
                  fillOpacity: base.fillOpacity, dashArray: base.dashArray };
    if (cfg.id === "economic-zones") {
      style.fillOpacity = base.fillOpacity * 0.3;
      style.weight = 2.5;
      style.pane = "hp-zones";
    }
    return style;
  }

  // ---------------------------------------------------------------- popups and tooltips
  function statusBadge(status) {
    return el("span", { class: "hp-status hp-status-" + status, text: labels.status[status] || status });
  }

  function sourceFor(props, field, asOf) {
    var found = (props.sources || []).filter(function (s) {
      return s.as_of === asOf && (s.fields || []).indexOf(field) >= 0;
    })[0];
    return found || null;
  }

  function figureNode(props, field) {
    var value = props[field];
    if ((value === null || value === undefined) && !ALWAYS_SHOWN[field]) return null;
    var dd = el("dd");
    if (value === null || value === undefined) {
      dd.appendChild(el("span", { class: "hp-nodata", text: msg.no_data }));
    } else {
      var unit = labels.field_unit[field];
      var formatted = (field === "year_established" ? yearFormat : numberFormat).format(value);
      dd.appendChild(document.createTextNode(formatted + (unit ? " " + unit : "")));
      var asOf = props[field + "_as_of"];
      var source = sourceFor(props, field, asOf);
      var note = " (" + asOf + (source ? ", " + sourceLabel(source) : "") + ")";
      dd.appendChild(el("span", { class: "hp-asof", text: note }));
      if ((props.conflicts || []).indexOf(field) >= 0) {
        dd.appendChild(el("span", { class: "hp-conflict", title: msg.conflict, text: " ⚠ " + msg.conflict }));
      }
    }
    return [el("dt", { text: labels.field[field] }), dd];
  }

  function popupNode(cfg, feature) {
    var props = feature.properties;
    var other = lang === "vi" ? props.name_en : props.name_vi;
    var facts = el("dl", { class: "hp-facts" });
    (POPUP_FIELDS[cfg.id] || []).forEach(function (field) {
      var pair = figureNode(props, field);
      if (pair) { facts.appendChild(pair[0]); facts.appendChild(pair[1]); }
    });
    if (props.free_ha !== null && props.free_ha !== undefined) {
      facts.appendChild(el("dt", { text: msg.free_ha, title: msg.free_ha_help }));
      facts.appendChild(el("dd", { text: numberFormat.format(props.free_ha) + " ha (" + props.free_ha_as_of + ")" }));
    }
    var box = el("div", { class: "hp-popup", "data-feature-id": props.id }, [
      el("h3", { text: nameOf(props) }),
      other && other !== nameOf(props) ? el("p", { class: "hp-other-name", text: other }) : null,
      el("p", { class: "hp-kind" }, [
        (labels.kind[props.kind] || props.kind) + " · ", statusBadge(props.status),
        props.status_as_of ? " (" + props.status_as_of + ")" : ""
      ]),
      facts,
      el("p", { class: "hp-quality-line hp-q-" + props.geometry_quality },
         [msg.geometry_quality + ": " + (labels.quality[props.geometry_quality] || props.geometry_quality)])
    ]);
    if (cfg.id === "industrial-parks" || cfg.id === "industrial-clusters") box.appendChild(distancesNode(props));
    box.appendChild(el("a", { class: "hp-details", href: featureUrl(props.id), text: msg.details + " →" }));
    return box;
  }

  // "36 km ± 2 km": the uncertainty rounded up to 0.1 km below 1 km, to the nearest km above, and the
  // distance to the same precision (webmap/templating.py format_distance does the same for the pages).
  function formatDistance(km, spread) {
    if (km === null || km === undefined) return null;
    if (spread === null || spread === undefined) return numberFormat.format(km) + " km (" + msg.uncertainty_unknown + ")";
    if (spread === 0) return numberFormat.format(km) + " km";
    var step = spread < 1 ? 10 : 1;
    var shown = spread < 1 ? Math.ceil(Math.round(spread * 1e7) / 1e6) / 10 : Math.floor(spread + 0.5);
    return numberFormat.format(Math.floor(km * step + 0.5) / step) + " km ± " + numberFormat.format(shown) + " km";
  }

  function distancesNode(props) {
    var list = el("ul", { class: "hp-distances", title: msg.distance_note + " " + msg.uncertainty_note });
    PLACES.forEach(function (place) {
      var text = formatDistance(props["distance_km_" + place], props["distance_uncertainty_km_" + place]);
      if (text !== null) list.appendChild(el("li", { text: msg["place_" + place] + ": " + text }));
    });
    return el("div", {}, [el("p", { class: "hp-distances-title", text: msg.distances }), list]);
  }

  // A layer's features carry what the map draws; a popup shows the feature whole, fetched on its first
  // opening (a note meanwhile, then the popup is filled in where it stands).
  function popupContent(cfg, feature, layer) {
    var found = whole[feature.id];
    if (found && found.properties) return popupNode(cfg, found);
    var note = el("p", { class: "hp-popup-note", role: "status", text: msg.loading });
    if (!found) {
      whole[feature.id] = { pending: true };
      fetch(cfg.item + encodeURIComponent(feature.id)).then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + cfg.item + feature.id);
        return response.json();
      }).then(function (full) {
        whole[feature.id] = full;
        if (layer.isPopupOpen()) layer.getPopup().update();
      }).catch(function (error) {
        delete whole[feature.id];  // the next opening asks again
        note.textContent = msg.load_failed;
        note.classList.add("hp-error");
        throw error;
      });
    }
    return el("div", { class: "hp-popup-loading", "data-feature-id": feature.id, "aria-busy": "true" }, [
      el("h3", { text: nameOf(feature.properties) }), note
    ]);
  }

  function tooltipNode(feature) {
    var props = feature.properties;
    return el("span", {}, [nameOf(props), " · ", labels.status[props.status] || props.status]);
  }

  // ---------------------------------------------------------------- layers
  // A plain GET, no headers of its own: the page preloads the layers' first pages (map.html) and
  // the browser only hands a preloaded response to a request that matches it.
  function getPage(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + url);
      return response.json();
    });
  }

  function fetchAll(url, collected) {
    collected = collected || [];
    return getPage(url).then(function (page) {
      collected = collected.concat(page.features || []);
      var next = (page.links || []).filter(function (link) { return link.rel === "next"; })[0];
      return next ? fetchAll(next.href, collected) : collected;
    });
  }

  function qualityBadge(cfg, feature) {
    var quality = feature.properties.geometry_quality;
    if (quality !== "approximate" && quality !== "indicative" || cfg.id === "economic-zones") return null;
    if (feature.geometry && /Point$/.test(feature.geometry.type)) return null;  // a badge is about an outline
    var icon = L.divIcon({ className: "hp-badge hp-badge-" + quality, html: quality === "indicative" ? "?" : "≈",
                           iconSize: [12, 12] });
    var marker = L.marker([feature.properties.centroid_lat, feature.properties.centroid_lon],
                          { icon: icon, keyboard: false, title: labels.quality[quality] });
    marker.on("click", function () { openFeature(feature.id, false); });
    return marker;
  }

  function pointMarker(feature, latlng) {  // a point layer (factories): a small circle, drawn in SVG like the rest
    return L.circleMarker(latlng, { radius: 5 });
  }

  function centreOf(layer) {
    return layer.getBounds ? layer.getBounds().getCenter() : layer.getLatLng();
  }

  function boundsOf(layer) {
    return layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
  }

  function renderLayer(cfg) {
    window[cfg.groupVar].clearLayers();
    drawFeatures(cfg, features[cfg.id] || []);
  }

  // Add ``list`` (some or all of the layer's features) to the layer's group.
  function drawFeatures(cfg, list) {
    var group = window[cfg.groupVar];
    var shown = list.filter(function (f) { return state.status.has(f.properties.status); });
    var geo = L.geoJSON({ type: "FeatureCollection", features: shown }, {
      style: function (feature) { return styleFor(cfg, feature.properties); },
      pointToLayer: pointMarker,
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(function () { return tooltipNode(feature); }, { sticky: true });
        layer.bindPopup(function () { return popupContent(cfg, feature, layer); }, {
          maxWidth: 300, maxHeight: Math.max(220, map.getSize().y - 110),
          autoPanPaddingTopLeft: [50, 16], autoPanPaddingBottomRight: [16, 16]
        });
        layer.on("add", function () {
          var path = layer.getElement && layer.getElement();
          if (path) { path.setAttribute("data-feature-id", feature.id); path.setAttribute("data-layer", cfg.id); }
        });
        layer.on("popupopen", function () { state.f = feature.id; writeState(); });
        layer.on("popupclose", function () { if (state.f === feature.id) { state.f = null; writeState(); } });
        entries[feature.id] = { layer: layer, feature: feature, cfg: cfg };
      }
    });
    group.addLayer(geo);
    restyleHooks.forEach(function (hook) { hook(); });
    shown.forEach(function (feature) {
      var badge = qualityBadge(cfg, feature);
      if (badge) group.addLayer(badge);
    });
  }

  function renderAll() {
    config.layers.forEach(function (cfg) {
      if (clustered[cfg.id]) viewportRefresh[cfg.id]();  // counted by the server: asked again with the filter
      else if (features[cfg.id]) renderLayer(cfg);
    });
  }

  function addToMinimap(zones) {
    var group = window[config.minimapVar];
    if (!group) return;
    L.geoJSON({ type: "FeatureCollection", features: zones }, {
      style: function (f) { return { color: COLOURS["economic-zones"], weight: 1, fillOpacity: 0.2, interactive: false }; },
      interactive: false
    }).addTo(group);
  }

  function loadLayers() {
    var status = el("div", { class: "hp-loading-note", role: "status", text: msg.loading });
    map.getContainer().appendChild(status);
    return Promise.all(config.layers.map(function (cfg) {
      if (cfg.viewport) { watchViewport(cfg); return Promise.resolve(); }
      return fetchAll(cfg.url).then(function (list) {
        features[cfg.id] = list;
        searchable.push([cfg, list]);
        searchIndex = null;
        renderLayer(cfg);
        if (cfg.id === "economic-zones") addToMinimap(list);
      }).catch(function (error) {
        status.textContent = msg.load_failed + ": " + cfg.title;
        status.classList.add("hp-error");
        throw error;
      });
    })).then(function () { status.remove(); });
  }

  // A large layer: fetch what is in view (at most VIEWPORT_LIMIT features), from VIEWPORT_ZOOM on; say so
  // below it. The view's features come in pages: a small first one, drawn while the server makes the
  // others (asked for together once the first says how many there are), each drawn as it arrives, so
  // that features show early and no single task draws them all.
  var VIEWPORT_ZOOM = 12;
  var VIEWPORT_LIMIT = 1000;
  var VIEWPORT_FIRST = 100;
  var VIEWPORT_PAGE = 300;
  var MAX_API_ZOOM = 22;  // the deepest zoom the items API simplifies for
  var viewportRefresh = {};  // layer id -> its refresh: fetch what the view needs again
  var clustered = {};  // layer id -> true while the layer shows the server's clusters, not features

  // Below VIEWPORT_ZOOM a large layer is shown as the server counts it (/clusters): a disc per occupied
  // grid cell of about 60 pixels, sized by the count; a click zooms in on it. A cell of one feature is
  // that feature's point, and a click opens it.
  function statusQuery() {
    if (state.status.size === STATUSES.length) return "";
    return STATUSES.filter(function (s) { return state.status.has(s); }).map(function (s) {
      return "&status=" + encodeURIComponent(s);
    }).join("");
  }

  function clusterMarker(cfg, cell) {
    var count = cell.properties.count;
    var latlng = L.latLng(cell.geometry.coordinates[1], cell.geometry.coordinates[0]);
    var size = count < 10 ? "s" : count < 100 ? "m" : count < 1000 ? "l" : "xl";
    var label = el("span", { text: count < 10000 ? numberFormat.format(count) : Math.round(count / 1000) + "k" });
    var px = { s: 22, m: 28, l: 34, xl: 40 }[size];
    var marker = L.marker(latlng, {
      icon: L.divIcon({ className: "hp-cluster hp-cluster-" + size, html: label, iconSize: [px, px] }),
      keyboard: true, title: numberFormat.format(count)
    });
    marker.on("add", function () {  // the layer's colour (CSSOM: no inline style attribute for the CSP to refuse)
      var node = marker.getElement();
      if (node) { node.style.backgroundColor = COLOURS[cfg.id]; node.setAttribute("data-layer", cfg.id); }
    });
    marker.on("click", function () {
      if (count === 1 && cell.properties.id) openFeature(cell.properties.id, false);
      else map.setView(latlng, Math.min(map.getZoom() + 2, VIEWPORT_ZOOM));
    });
    return marker;
  }

  function viewportNotes() {  // one box under the map's centre, a line per layer loaded by viewport
    var box = map.getContainer().querySelector(".hp-viewport-notes");
    if (!box) box = map.getContainer().appendChild(el("div", { class: "hp-viewport-notes" }));
    return box;
  }

  function watchViewport(cfg) {
    var note = viewportNotes().appendChild(el("div", { class: "hp-viewport-note", role: "status" }));
    var pending = null;
    function refresh() {
      pending = null;  // what is still on its way for an earlier view is not drawn
      if (!map.hasLayer(window[cfg.groupVar])) { note.hidden = true; return; }
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); });
      function showClusters() {
        clustered[cfg.id] = true;
        var asked = pending = {};
        return getPage(cfg.clusters + "?zoom=" + Math.min(MAX_API_ZOOM, Math.floor(map.getZoom())) +
                       "&bbox=" + bbox.join(",") + statusQuery()).then(function (cells) {
          if (asked !== pending) return;
          features[cfg.id] = [];
          var group = window[cfg.groupVar];
          group.clearLayers();
          cells.features.forEach(function (cell) { group.addLayer(clusterMarker(cfg, cell)); });
          note.textContent = cfg.title + ": " + numberFormat.format(cells.numberMatched) + " — " + msg.zoom_in;
          note.hidden = false;
        });
      }
      if (map.getZoom() < VIEWPORT_ZOOM) return showClusters();
      clustered[cfg.id] = false;
      // zoom: outlines simplified to about half a pixel at this zoom (rounded up: never coarser than that).
      var zoom = Math.min(MAX_API_ZOOM, Math.ceil(map.getZoom()));
      function page(offset, limit) {
        return getPage(cfg.url.replace(/limit=\d+/, "limit=" + limit) + (offset ? "&offset=" + offset : "") +
                       "&bbox=" + bbox.join(",") + "&zoom=" + zoom);
      }
      var ticket = pending = {};
      page(0, VIEWPORT_FIRST).then(function (first) {
        if (ticket !== pending) return null;  // the map has moved on
        // Points beyond what a view can draw one by one are shown counted, as when zoomed out.
        if (cfg.points && first.numberMatched > VIEWPORT_LIMIT) return showClusters();
        features[cfg.id] = first.features;
        renderLayer(cfg);
        var wanted = Math.min(first.numberMatched, VIEWPORT_LIMIT);
        var rest = [];
        for (var offset = VIEWPORT_FIRST; offset < wanted; offset += VIEWPORT_PAGE) {
          rest.push(page(offset, Math.min(VIEWPORT_PAGE, wanted - offset)).then(function (next) {
            if (ticket !== pending) return;
            features[cfg.id] = features[cfg.id].concat(next.features);
            drawFeatures(cfg, next.features);
          }));
        }
        return Promise.all(rest).then(function () {
          if (ticket !== pending) return;
          var shown = wanted < first.numberMatched
            ? numberFormat.format(wanted) + " / " + numberFormat.format(first.numberMatched) : "";
          note.textContent = shown ? cfg.title + ": " + shown + " — " + msg.zoom_in : "";
          note.hidden = !shown;
        });
      });
    }
    viewportRefresh[cfg.id] = refresh;
    map.on("moveend overlayadd overlayremove", refresh);
    refresh();
  }

  function applyLayerVisibility() {
    if (!state.layers) return;
    config.layers.forEach(function (cfg) {
      if (!state.layers.has(cfg.id)) map.removeLayer(window[cfg.groupVar]);
    });
  }

  // ---------------------------------------------------------------- opening a feature
  function openFeature(id, zoom) {
    var entry = entries[id];
    if (!entry) return false;
    var group = window[entry.cfg.groupVar];
    if (!map.hasLayer(group)) map.addLayer(group);
    if (!state.status.has(entry.feature.properties.status)) {
      state.status.add(entry.feature.properties.status);
      renderAll();
      syncLegend();
      entry = entries[id];
    }
    if (zoom !== false) map.fitBounds(boundsOf(entry.layer), { maxZoom: 14, padding: [30, 30], animate: false });
    entry.layer.openPopup(centreOf(entry.layer));
    return true;
  }

  // ---------------------------------------------------------------- search
  var SEARCH_ORDER = ["industrial-parks", "ports", "airports", "industrial-clusters", "factories", "economic-zones"];

  function searchItems() {
    if (!searchIndex) {
      searchIndex = [];
      searchable.forEach(function (pair) {
        pair[1].forEach(function (feature) { searchIndex.push(searchItem(pair[0], feature)); });
      });
    }
    return searchIndex;
  }

  function searchItem(cfg, feature) {
    var p = feature.properties;
    var text = [p.name_vi, p.name_en, p.id].concat(p.aliases || []).join(" ");
    var order = SEARCH_ORDER.indexOf(cfg.id);
    return { id: feature.id, name: nameOf(p), layer: cfg.title, status: p.status, folded: fold(text),
             aliases: (p.aliases || []).map(fold), order: order < 0 ? SEARCH_ORDER.length : order };
  }

  function search(query) {
    var folded = fold(query);
    var tokens = folded.split(" ").filter(Boolean);
    if (!tokens.length) return [];
    function rank(item) {  // an exact name or alias first, then names starting with the query, then the rest
      var name = fold(item.name);
      var where = name.indexOf(folded);
      var exact = name === folded || item.aliases.indexOf(folded) >= 0;
      return (exact ? 0 : where === 0 ? 1 : where > 0 ? 2 : 3) * 100 + item.order;
    }
    return searchItems().filter(function (item) {
      return tokens.every(function (token) { return item.folded.indexOf(token) >= 0; });
    }).sort(function (a, b) { return rank(a) - rank(b) || a.name.localeCompare(b.name); }).slice(0, 12);
  }

  function setUpSearch() {
    var input = document.getElementById("hp-search-input");
    var list = document.getElementById("hp-search-results");
    if (!input || !list) return;
    function choose(id) {
      list.hidden = true;
      input.value = "";
      openFeature(id, true);
    }
    function show() {
      var results = search(input.value);
      list.textContent = "";
      if (!input.value.trim()) { list.hidden = true; return; }
      if (!results.length) list.appendChild(el("li", { class: "hp-search-none", text: msg.search_none }));
      results.forEach(function (item, index) {
        var button = el("button", { type: "button", role: "option", "data-feature-id": item.id }, [
          el("span", { class: "hp-result-name", text: item.name }),
          el("span", { class: "hp-result-layer", text: item.layer + " · " + (labels.status[item.status] || "") })
        ]);
        button.addEventListener("click", function () { choose(item.id); });
        list.appendChild(el("li", {}, [button]));
      });
      list.hidden = false;
    }
    input.addEventListener("input", show);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        var first = search(input.value)[0];
        if (first) { event.preventDefault(); choose(first.id); }
      } else if (event.key === "Escape") {
        list.hidden = true;
      } else if (event.key === "ArrowDown") {
        var button = list.querySelector("button");
        if (button) { event.preventDefault(); button.focus(); }
      }
    });
    list.addEventListener("keydown", function (event) {
      var item = document.activeElement && document.activeElement.closest("li");
      if (!item) return;
      if (event.key === "ArrowDown" && item.nextElementSibling) { event.preventDefault(); item.nextElementSibling.querySelector("button").focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (item.previousElementSibling ? item.previousElementSibling.querySelector("button") : input).focus(); }
      if (event.key === "Escape") { list.hidden = true; input.focus(); }
    });
  }

  // ---------------------------------------------------------------- legend and filters
  var legendInputs = {};

  function swatch(colour, style) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "22"); svg.setAttribute("height", "14"); svg.setAttribute("aria-hidden", "true");
    var rect = document.createElementNS(ns, "rect");
    rect.setAttribute("x", "1.5"); rect.setAttribute("y", "1.5"); rect.setAttribute("width", "19"); rect.setAttribute("height", "11");
    rect.setAttribute("fill", colour); rect.setAttribute("fill-opacity", String(style.fillOpacity));
    rect.setAttribute("stroke", colour); rect.setAttribute("stroke-width", "1.5");
    if (style.dashArray) rect.setAttribute("stroke-dasharray", style.dashArray);
    svg.appendChild(rect);
    return svg;
  }

  function legendControl() {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var body = el("div", { class: "hp-legend-body", id: "hp-legend-body" });
      var toggle = el("button", { type: "button", class: "hp-legend-toggle", "aria-expanded": "true",
                                  "aria-controls": "hp-legend-body", text: msg.legend });
      var box = el("div", { class: "hp-legend leaflet-bar" }, [toggle, body]);
      toggle.addEventListener("click", function () {
        var open = body.hidden;
        body.hidden = !open;
        toggle.setAttribute("aria-expanded", String(open));
      });
      if (window.matchMedia("(max-width: 600px)").matches) { body.hidden = true; toggle.setAttribute("aria-expanded", "false"); }

      body.appendChild(el("h4", { text: msg.legend_kinds }));
      var kinds = el("ul");
      config.layers.forEach(function (cfg) {
        kinds.appendChild(el("li", {}, [swatch(COLOURS[cfg.id], STATUS_STYLE.operating), " " + cfg.title]));
      });
      kinds.appendChild(el("li", {}, [swatch(FTZ_COLOUR, STATUS_STYLE.operating), " " + labels.kind.free_trade_zone_site]));
      body.appendChild(kinds);

      body.appendChild(el("h4", { text: msg.legend_status }));
      var statuses = el("ul", { class: "hp-status-filter" });
      STATUSES.forEach(function (status) {
        var input = el("input", { type: "checkbox", value: status, "data-status": status });
        input.checked = state.status.has(status);
        input.addEventListener("change", function () {
          if (input.checked) state.status.add(status); else state.status.delete(status);
          renderAll();
          writeState();
        });
        legendInputs[status] = input;
        statuses.appendChild(el("li", {}, [el("label", {}, [input, " ", swatch("#555", STATUS_STYLE[status]), " " + labels.status[status]])]));
      });
      body.appendChild(statuses);

      body.appendChild(el("h4", { text: msg.legend_quality }));
      body.appendChild(el("ul", {}, [
        el("li", {}, [el("span", { class: "hp-badge-sample", text: " " }), " " + labels.quality.traced]),
        el("li", {}, [el("span", { class: "hp-badge-sample hp-badge-approximate", text: "≈" }), " " + labels.quality.approximate]),
        el("li", {}, [el("span", { class: "hp-badge-sample hp-badge-indicative", text: "?" }), " " + labels.quality.indicative])
      ]));
      body.appendChild(el("p", { class: "hp-legend-uncertainty", title: msg.uncertainty_note, text: msg.legend_uncertainty }));
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return control;
  }

  function syncLegend() {
    Object.keys(legendInputs).forEach(function (status) { legendInputs[status].checked = state.status.has(status); });
  }

  // ---------------------------------------------------------------- distance measurement
  function measureControl() {
    var control = L.control({ position: "topleft" });
    var active = false, points = [], line = null, readout = null;
    function total() {
      var metres = 0;
      for (var i = 1; i < points.length; i++) metres += map.distance(points[i - 1], points[i]);
      return metres / 1000;
    }
    function onClick(event) {
      points.push(event.latlng);
      if (!line) line = L.polyline(points, { color: "#111", weight: 2, dashArray: "4 4", interactive: false }).addTo(map);
      else line.setLatLngs(points);
      L.circleMarker(event.latlng, { radius: 3, color: "#111", interactive: false }).addTo(measureLayer);
      readout.textContent = msg.measure_total + ": " + numberFormat.format(total()) + " km";
    }
    var measureLayer = L.layerGroup();
    function stop() {
      active = false;
      map.off("click", onClick);
      map.getContainer().classList.remove("hp-measuring");
      button.setAttribute("aria-pressed", "false");
    }
    function start() {
      if (line) { map.removeLayer(line); line = null; }
      measureLayer.clearLayers().addTo(map);
      points = [];
      active = true;
      map.on("click", onClick);
      map.getContainer().classList.add("hp-measuring");
      button.setAttribute("aria-pressed", "true");
      readout.textContent = msg.measure_hint;
      readout.hidden = false;
    }
    var button = el("a", { href: "#", role: "button", class: "hp-measure-button", title: msg.measure,
                           "aria-label": msg.measure, "aria-pressed": "false", text: "↔" });
    control.onAdd = function () {
      readout = el("div", { class: "hp-measure-readout", role: "status" });
      readout.hidden = true;
      var box = el("div", { class: "leaflet-bar hp-measure" }, [button, readout]);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(button, "click", function (event) {
        L.DomEvent.preventDefault(event);
        if (active) stop(); else start();
      });
      return box;
    };
    return control;
  }

  // ---------------------------------------------------------------- panels
  // The site finder's and the proposal check's scripts and style are loaded on the panel's first
  // opening, or at once when the URL asks for the panel; the panel's own script then takes over its button.
  var PANEL_PARAMS = { sites: ["sites"], proposal: ["proposal"] };  // parameters that open a panel

  function setUpPanels() {
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll("[data-panel][data-script]").forEach(function (toggle) {
      var name = toggle.getAttribute("data-panel");
      function load() {  // the style first: the panel may open as soon as its script runs
        var style = toggle.getAttribute("data-style");
        return (style ? L.Control.Lazy.load(style) : Promise.resolve()).then(function () {
          return L.Control.Lazy.load(toggle.getAttribute("data-script"));
        });
      }
      var wanted = params.get("panel") === name || (PANEL_PARAMS[name] || []).some(function (key) {
        return params.has(key);
      });
      function arm() {
        toggle.addEventListener("click", function () {
          toggle.setAttribute("aria-busy", "true");
          load().then(function () {
            toggle.removeAttribute("aria-busy");
            toggle.click();  // now handled by the panel's script
          }, function (error) {
            toggle.removeAttribute("aria-busy");
            arm();  // a later click tries again
            throw error;
          });
        }, { once: true });
      }
      if (wanted) load(); else arm();
    });
  }

  // ---------------------------------------------------------------- start
  map.createPane("hp-zones").style.zIndex = 350;
  if (!isNaN(state.lat) && !isNaN(state.lon) && !isNaN(state.z)) {
    // at once, not animated: the view's layers are asked for at this zoom, not the one animated from
    map.setView([state.lat, state.lon], state.z, { animate: false });
  }
  config.layers.forEach(function (cfg) {
    // Leaflet's attribution control shows a layer's attribution while the layer is on the map: the
    // OpenStreetMap credit wherever outlines from an OSM extract are drawn.
    if (!cfg.attribution) return;
    var group = window[cfg.groupVar];
    L.setOptions(group, { attribution: cfg.attribution });  // its own options, not the shared prototype's
    if (map.hasLayer(group)) map.attributionControl.addAttribution(cfg.attribution);
  });
  applyLayerVisibility();
  var loaded = loadLayers();  // first: the requests go out while the controls are made
  if (config.offline) map.attributionControl.addAttribution(msg.offline_note);
  L.control.scale({ imperial: false }).addTo(map);
  measureControl().addTo(map);
  legendControl().addTo(map);
  setUpSearch();
  map.on("moveend overlayadd overlayremove", writeState);

  window.HPMap = {
    ready: loaded.then(function () {
      if (state.f && !openFeature(state.f, isNaN(state.z))) { state.f = null; }
      writeState();
      document.body.setAttribute("data-ready", "true");
    }).catch(function (error) {
      document.body.setAttribute("data-ready", "error");
      throw error;
    }),
    featureIds: function (layerId) {
      return (features[layerId] || []).map(function (f) { return f.id; });
    },
    open: openFeature,
    fold: fold,
    // for the panels (sites.js, proposal.js)
    map: map, config: config, labels: labels, el: el, numberFormat: numberFormat, nameOf: nameOf,
    formatDistance: formatDistance,
    featureUrl: featureUrl, styleFor: styleFor, entries: entries, safeUrl: safeUrl,
    setState: function (key, value) {
      if (value === null || value === undefined || value === "") delete extraState[key]; else extraState[key] = value;
      writeState();
    },
    getParam: function (key) { return new URLSearchParams(window.location.search).get(key); },
    onRedraw: function (hook) { restyleHooks.push(hook); }
  };
  setUpPanels();
})();
