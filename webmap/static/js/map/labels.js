/* Names that stay on the map (communes and wards, provinces, parks), thinned so that none covers another:
   at each view the labels are placed in order of rank, and one whose box would touch a placed one is left
   out. A label is text in a <div> of its pane; the map's panes decide what covers it (the background's
   names lie under the online tiles, which carry their own; the parks' over the outlines). */
import L from "./leaflet.js";

const GAP = 4; // px kept free around each label
const measure = document.createElement("canvas").getContext("2d");

/** A layer of labels: each {latlng, text, className, minZoom, maxZoom, rank, spacing, dy}, the lower rank
    first (dy: pixels below its point, to clear a marker there). Option ``avoid``: another such layer, placed
    before this one at each view, whose labels this one's keep clear of. */
export const ThinnedLabels = L.Layer.extend({
  initialize(labels, options) {
    L.setOptions(this, options);
    this._labels = labels.slice().sort((a, b) => a.rank - b.rank);
  },

  onAdd(map) {
    this._container = L.DomUtil.create("div", "hp-labels", this.getPane());
    this._font = null;
    this._redraw();
  },

  onRemove() {
    L.DomUtil.remove(this._container);
  },

  getEvents() {
    return { zoomstart: this._hide, moveend: this._redraw, viewreset: this._redraw };
  },

  setLabels(labels) {
    this._labels = labels.slice().sort((a, b) => a.rank - b.rank);
    if (this._map) this._redraw();
  },

  _hide() {
    this._container.hidden = true; // while the zoom animates: placed again at the new zoom
  },

  _redraw() {
    const map = this._map;
    const zoom = map.getZoom();
    const size = map.getSize();
    const placed = [];
    const nodes = [];
    const avoid = this.options.avoid && this.options.avoid._map ? this.options.avoid._placed || [] : [];
    for (const label of this._labels) {
      if (zoom < (label.minZoom ?? -Infinity) || zoom >= (label.maxZoom ?? Infinity) || !label.text) continue;
      const point = map.latLngToContainerPoint(label.latlng).add([0, label.dy || 0]);
      if (point.x < -200 || point.y < -50 || point.x > size.x + 200 || point.y > size.y + 50) continue;
      const node = this._node(label);
      const width = this._width(node, label.text);
      const pad = GAP + (label.spacing || 0);
      const box = [point.x - width / 2 - pad, point.y - 9 - pad, point.x + width / 2 + pad, point.y + 9 + pad];
      const hits = (other) => box[0] < other[2] && box[2] > other[0] && box[1] < other[3] && box[3] > other[1];
      if (placed.some(hits) || avoid.some(hits)) continue;
      placed.push(box);
      L.DomUtil.setPosition(node, map.latLngToLayerPoint(label.latlng).add([0, label.dy || 0]));
      nodes.push(node);
    }
    this._placed = placed;
    this._container.replaceChildren(...nodes);
    this._container.hidden = false;
  },

  _node(label) {
    if (!label.node) {
      label.node = L.DomUtil.create("div", "hp-label " + (label.className || ""));
      label.node.textContent = label.text; // data, never markup
      label.node.setAttribute("aria-hidden", "true"); // what they name is in the layers and the search
    }
    return label.node;
  },

  // The label's width as the stylesheet draws it (its font read once from a placed label).
  _width(node, text) {
    if (!node.dataset.width) {
      if (!node.isConnected) this._container.appendChild(node);
      measure.font = getComputedStyle(node).font || "12px sans-serif";
      node.dataset.width = String(Math.ceil(measure.measureText(text).width) + 8);
    }
    return Number(node.dataset.width);
  },
});
