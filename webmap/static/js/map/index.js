/* What the map page's parts loaded on first use (the panels sites.js and proposal.js; map/draw.js,
   popups.js, search.js, viewport.js) use of the first load, in one place. They import from here only, so
   that the bundler keeps all they share with the first load in a single chunk beside dist/hpmap.js, not a
   chunk per combination of users. */
export { el, loadStyle, safeUrl } from "./dom.js";
export {
  boundsOf, drawFeatures, entries, features, getPage, onLayerLoaded, onRedraw, openFeature, renderLayer, setRefresher,
  wholeLayers,
} from "./layers.js";
export { default as L } from "./leaflet.js";
export { config, groupOf, labels, lang, map, msg } from "./page.js";
export { palette } from "./palette.js";
export { requestJson } from "./request.js";
export { allStatusesShown, getParam, setParam, shownStatuses } from "./state.js";
export {
  criterionOf, featureUrl, fold, formatDistance, nameOf, numberFormat, sourceLabel,
} from "./text.js";
