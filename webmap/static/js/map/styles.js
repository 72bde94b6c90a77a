/* How features are drawn: by classes, styled in the stylesheet (css/hpmap.css: a layer's colour, a status's
   fill, line width and dashes), which the legend's swatches share. */

/** The classes of a feature of the layer ``cfg`` with properties ``props``. */
export function featureClass(cfg, props) {
  return "hp-feature hp-layer-" + cfg.id + " hp-st-" + props.status + (props.kind === "free_trade_zone_site" ? " hp-ftz" : "");
}

/** Leaflet's path options of a feature: its classes; the zones in their own pane, under the rest. */
export function styleFor(cfg, props) {
  const style = { className: featureClass(cfg, props) };
  if (cfg.id === "economic-zones") style.pane = "hp-zones";
  return style;
}
