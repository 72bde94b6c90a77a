/* On a narrow screen (a phone) a feature's popup is a bottom sheet: the map's full width along its bottom
   edge, at most half the screen's height (its content scrolls), with a large close button; a swipe down,
   Esc or the button closes it. It then lives in a pane of its own outside the map's moving pane, so that
   panning and zooming leave it in place; on a wider screen it stays Leaflet's popup, pointing at its
   feature. Loaded with its style (sheet.css) only where the screen is narrow (hpmap.js). */
import { config, L, loadStyle, map } from "./index.js";

const SWIPE_PX = 60; // a downward swipe this long, begun at the top of the sheet's content, closes it

function armSwipe(popup, node) {
  let start = null;
  node.addEventListener("touchstart", (event) => {
    const content = node.querySelector(".leaflet-popup-content");
    start = event.touches.length === 1 && (!content || content.scrollTop === 0) ? event.touches[0].clientY : null;
  }, { passive: true });
  node.addEventListener("touchend", (event) => {
    if (start === null) return;
    const moved = event.changedTouches[0].clientY - start;
    start = null;
    if (moved > SWIPE_PX && popup._map) popup._map.closePopup(popup);
  });
}

/** Pan the map so that the feature the sheet is about (at ``latlng``) shows above a sheet ``height`` px tall. */
function keepInSight(latlng, height) {
  if (!latlng) return;
  const above = map.getSize().y - height;
  const y = map.latLngToContainerPoint(latlng).y;
  if (y > above - 24) map.panBy([0, y - above / 2], { animate: false });
}

/** Make the popups of class ``Popup`` (an L.Popup) bottom sheets while ``narrow`` (a MediaQueryList) matches;
    a promise, resolved once their style has come. */
export function useSheets(Popup, narrow) {
  map.createPane("hp-sheet", map.getContainer());
  const base = Popup.prototype;
  const add = base.onAdd;
  Popup.include({
    onAdd(target) {
      this._sheet = narrow.matches;
      this.options.pane = this._sheet ? "hp-sheet" : "popupPane";
      this.options.autoPan = !this._sheet;
      if (this._besideMaxHeight === undefined) this._besideMaxHeight = this.options.maxHeight;
      this.options.maxHeight = this._sheet ? Math.round(window.innerHeight * 0.5) - 40 : this._besideMaxHeight;
      add.call(this, target);
      const container = this.getElement();
      container.classList.toggle("hp-sheet", this._sheet);
      if (!this._sheet) return;
      container.style.left = container.style.bottom = container.style.transform = "";
      if (!this._swipe) this._swipe = armSwipe(this, container) || true;
      keepInSight(this._latlng, window.innerHeight / 2); // its height once its content has come, at most
    },
    _updatePosition() {
      if (!this._sheet) L.Popup.prototype._updatePosition.call(this);
    },
    _animateZoom(event) {
      if (!this._sheet) L.Popup.prototype._animateZoom.call(this, event);
    },
    _adjustPan() {
      if (!this._sheet) L.Popup.prototype._adjustPan.call(this);
    },
  });
  return loadStyle(config.styles.sheet);
}
