/* Names, numbers and distances as the reader's language writes them. */
import { config, lang, msg } from "./page.js";
import { safeUrl } from "./dom.js";

export const numberFormat = new Intl.NumberFormat(config.locale, { maximumFractionDigits: 2 });

/** Text without diacritics, case or punctuation, for search (as geo/text.py folds it on the server). */
export function fold(text) {
  return String(text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[\s\-–—_/.,;:()]+/g, " ").trim();
}

/** A feature's (or zone's, or result's) name in the page's language, the Vietnamese one when missing. */
export function nameOf(props) {
  return (lang === "vi" ? props.name_vi : props.name_en) || props.name_vi || props.id;
}

export function featureUrl(id) {
  return config.featurePage + encodeURIComponent(id) + "?lang=" + lang;
}

/** A source's web site, or its location as written when it is not a web address. */
export function sourceLabel(source) {
  const url = safeUrl(source.location);
  if (!url) return source.location;
  try { return new URL(url).hostname.replace(/^www\./, ""); } catch (e) { return url; }
}

/** "36 km ± 2 km": the uncertainty rounded up to 0.1 km below 1 km, to the nearest km above, and the
    distance to the same precision (webmap/templating.py format_distance does the same for the pages). */
export function formatDistance(km, spread) {
  if (km === null || km === undefined) return null;
  if (spread === null || spread === undefined) return numberFormat.format(km) + " km (" + msg.uncertainty_unknown + ")";
  if (spread === 0) return numberFormat.format(km) + " km";
  const step = spread < 1 ? 10 : 1;
  const shown = spread < 1 ? Math.ceil(Math.round(spread * 1e7) / 1e6) / 10 : Math.floor(spread + 0.5);
  return numberFormat.format(Math.floor(km * step + 0.5) / step) + " km ± " + numberFormat.format(shown) + " km";
}

/** The site finder's criteria and the proposal's distances come keyed by the place's key ("lach_huyen",
    as in config.places and the layers' properties) or "free_land"; config.criteria gives each its label. */
export function criterionOf(key) {
  return config.criteria.find((c) => c.key === key) || { key, id: key, label: key };
}
