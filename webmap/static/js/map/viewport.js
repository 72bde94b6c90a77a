/* A large layer: fetched for what is in view (at most config.viewport.limit features) from
   config.viewport.zoom on, and said so below the map. The view's features come in pages: a small first
   one, drawn while the server makes the others (asked for together once the first says how many there
   are), each drawn as it arrives, so that features show early and no single task draws them all.
   Zoomed out, the layer is shown as the server counts it (/clusters): a disc per occupied grid cell of
   about 60 pixels, sized by the count; a click zooms in on it. A cell of one feature is that feature's
   point, and a click opens it. Imported only when the data has such a layer. */
import {
  L, allStatusesShown, config, drawFeatures, el, features, getPage, groupOf, map, msg, numberFormat,
  openFeature, renderLayer, setRefresher, shownStatuses,
} from "./index.js";

const { zoom: VIEWPORT_ZOOM, limit: VIEWPORT_LIMIT, first: VIEWPORT_FIRST, page: VIEWPORT_PAGE } = config.viewport;

function statusQuery() {
  if (allStatusesShown()) return "";
  return shownStatuses().map((s) => "&status=" + encodeURIComponent(s)).join("");
}

function clusterMarker(cfg, cell) {
  const count = cell.properties.count;
  const latlng = L.latLng(cell.geometry.coordinates[1], cell.geometry.coordinates[0]);
  const size = count < 10 ? "s" : count < 100 ? "m" : count < 1000 ? "l" : "xl";
  const label = el("span", { text: count < 10000 ? numberFormat.format(count) : Math.round(count / 1000) + "k" });
  const px = { s: 22, m: 28, l: 34, xl: 40 }[size];
  const marker = L.marker(latlng, {
    icon: L.divIcon({ className: `hp-cluster hp-cluster-${size} hp-layer-${cfg.id}`, html: label, iconSize: [px, px] }),
    keyboard: true, title: numberFormat.format(count),
  });
  marker.on("add", () => marker.getElement().setAttribute("data-layer", cfg.id));
  marker.on("click", () => {
    if (count === 1 && cell.properties.id) openFeature(cell.properties.id, false);
    else map.setView(latlng, Math.min(map.getZoom() + 2, VIEWPORT_ZOOM));
  });
  return marker;
}

function viewportNotes() { // one box under the map's centre, a line per layer loaded by view
  return map.getContainer().querySelector(".hp-viewport-notes")
    || map.getContainer().appendChild(el("div", { class: "hp-viewport-notes" }));
}

/** Return the box to ask for a view of ``bounds`` at ``zoom``: the view widened to a grid of half a tile
    at that zoom (about 128 pixels). Views that differ by a small pan, or another visitor's view of the same
    place, then ask for the same URL, which the server's answer cache and the browser's HTTP cache answer:
    an exact box would make every view a new query. */
export function snappedBbox(bounds, zoom) {
  const step = 360 / 2 ** (Math.floor(zoom) + 1);
  const down = (v, least) => Math.max(least, Math.floor(v / step) * step);
  const up = (v, most) => Math.min(most, Math.ceil(v / step) * step);
  const box = [down(bounds.getWest(), -180), down(bounds.getSouth(), -90),
               up(bounds.getEast(), 180), up(bounds.getNorth(), 90)];
  return box.map((v) => v.toFixed(5)).join(",");
}

/** Keep the layer ``cfg`` drawn for the view as the map moves; ``onError(error)`` hears of a failed request.
    Resolves once the first view is drawn (its clusters, or the first page of its features). The view's
    other pages are asked for at once but drawn only once ``firstViewDrawn`` resolves (the page's every
    layer drawn): the first view comes whole and early, and the rest fills in after. */
export function watchViewport(cfg, onError, firstViewDrawn = Promise.resolve()) {
  const note = viewportNotes().appendChild(el("div", { class: "hp-viewport-note", role: "status" }));
  let pending = null; // what is still on its way for an earlier view is not drawn
  let clustered = false; // the layer shows the server's clusters, not features
  let asked = null; // the query of what is drawn or on its way: a pan within the same grid cells asks nothing
  const group = groupOf(cfg);

  function showClusters(bbox) {
    clustered = true;
    const asked = pending = {};
    return getPage(cfg.clusters + "?zoom=" + Math.min(config.maxApiZoom, Math.floor(map.getZoom())) +
                   "&bbox=" + bbox + statusQuery()).then((cells) => {
      if (asked !== pending) return;
      features[cfg.id] = [];
      group.clearLayers();
      cells.features.forEach((cell) => group.addLayer(clusterMarker(cfg, cell)));
      note.textContent = cfg.title + ": " + numberFormat.format(cells.numberMatched) + " — " + msg.zoom_in;
      note.hidden = false;
    });
  }

  // Resolves once the view's first page is drawn; the others are drawn as they come.
  function showFeatures(bbox) {
    clustered = false;
    // zoom: outlines simplified to about half a pixel at this zoom (rounded up: never coarser than that)
    const zoom = Math.min(config.maxApiZoom, Math.ceil(map.getZoom()));
    const page = (offset, limit) => getPage(cfg.url.replace(/limit=\d+/, "limit=" + limit) +
      (offset ? "&offset=" + offset : "") + "&bbox=" + bbox + "&zoom=" + zoom);
    const ticket = pending = {};
    return page(0, VIEWPORT_FIRST).then((first) => {
      if (ticket !== pending) return null; // the map has moved on
      // Points beyond what a view can draw one by one are shown counted, as when zoomed out.
      if (cfg.points && first.numberMatched > VIEWPORT_LIMIT) return showClusters(bbox);
      features[cfg.id] = first.features;
      renderLayer(cfg);
      const wanted = Math.min(first.numberMatched, VIEWPORT_LIMIT);
      const rest = [];
      for (let offset = VIEWPORT_FIRST; offset < wanted; offset += VIEWPORT_PAGE) {
        rest.push(Promise.all([page(offset, Math.min(VIEWPORT_PAGE, wanted - offset)), firstViewDrawn]).then(([next]) => {
          if (ticket !== pending) return;
          features[cfg.id] = features[cfg.id].concat(next.features);
          drawFeatures(cfg, next.features);
        }));
      }
      Promise.all(rest).then(() => {
        if (ticket !== pending) return;
        const shown = wanted < first.numberMatched
          ? numberFormat.format(wanted) + " / " + numberFormat.format(first.numberMatched) : "";
        note.textContent = shown ? cfg.title + ": " + shown + " — " + msg.zoom_in : "";
        note.hidden = !shown;
      }).catch((error) => { asked = null; onError(error); });
      return null;
    });
  }

  function refresh(event) {
    if (!map.hasLayer(group)) { pending = asked = null; note.hidden = true; return Promise.resolve(); }
    const bbox = snappedBbox(map.getBounds(), map.getZoom());
    const query = [map.getZoom(), bbox, statusQuery()].join(" ");
    if (event && event.type === "moveend" && query === asked) return Promise.resolve();
    pending = null;
    asked = query;
    const drawn = map.getZoom() < VIEWPORT_ZOOM ? showClusters(bbox) : showFeatures(bbox);
    return drawn.catch((error) => { asked = null; onError(error); });
  }

  // a new filter: the clusters are counted again by the server; features already here are drawn again
  setRefresher(cfg.id, () => (clustered ? refresh() : renderLayer(cfg)));
  map.on("moveend overlayadd overlayremove", refresh);
  return refresh();
}
