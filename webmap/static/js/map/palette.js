/* The colours of every page, read from the stylesheet's custom properties (css/hpmap.css :root): one
   palette for the map, the legend, the charts and the small maps. */
let root = null;

/** The colour --<name>, or "" when the stylesheet has none. */
export function palette(name) {
  if (!root) root = getComputedStyle(document.documentElement);
  return root.getPropertyValue("--" + name).trim();
}
