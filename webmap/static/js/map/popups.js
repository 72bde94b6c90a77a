/* A feature's popup: its figures with their dates and sources, its position's reliability, the distances
   to key places. Imported with the first feature a popup fetches whole (map/layers.js). */
import { config, el, featureUrl, formatDistance, labels, lang, msg, nameOf, numberFormat, sourceLabel } from "./index.js";

const yearFormat = { format: (value) => String(Math.round(value)) };

function statusBadge(status) {
  return el("span", { class: "hp-status hp-status-" + status, text: labels.status[status] || status });
}

function sourceFor(props, field, asOf) {
  return (props.sources || []).find((s) => s.as_of === asOf && (s.fields || []).includes(field)) || null;
}

function figureNode(props, field) {
  const value = props[field];
  const known = value !== null && value !== undefined;
  if (!known && !config.alwaysShown.includes(field)) return null;
  const dd = el("dd");
  if (!known) {
    dd.appendChild(el("span", { class: "hp-nodata", text: msg.no_data }));
  } else {
    const unit = labels.field_unit[field];
    const formatted = (field === "year_established" ? yearFormat : numberFormat).format(value);
    dd.appendChild(document.createTextNode(formatted + (unit ? " " + unit : "")));
    const asOf = props[field + "_as_of"];
    const source = sourceFor(props, field, asOf);
    dd.appendChild(el("span", { class: "hp-asof", text: " (" + asOf + (source ? ", " + sourceLabel(source) : "") + ")" }));
    if ((props.conflicts || []).includes(field)) {
      dd.appendChild(el("span", { class: "hp-conflict", title: msg.conflict, text: " ⚠ " + msg.conflict }));
    }
  }
  return [el("dt", { text: labels.field[field] }), dd];
}

function distancesNode(props) {
  const list = el("ul", { class: "hp-distances", title: msg.distance_note + " " + msg.uncertainty_note });
  for (const place of config.places) {
    const text = formatDistance(props["distance_km_" + place.key], props["distance_uncertainty_km_" + place.key]);
    if (text !== null) list.appendChild(el("li", { text: place.label + ": " + text }));
  }
  return el("div", {}, [el("p", { class: "hp-distances-title", text: msg.distances }), list]);
}

/** The popup of ``feature`` (with every property) of the layer ``cfg``. */
export function popupNode(cfg, feature) {
  const props = feature.properties;
  const other = lang === "vi" ? props.name_en : props.name_vi;
  const facts = el("dl", { class: "hp-facts" });
  for (const field of cfg.popupFields) {
    const pair = figureNode(props, field);
    if (pair) facts.append(...pair);
  }
  if (props.free_ha !== null && props.free_ha !== undefined) {
    facts.appendChild(el("dt", { text: msg.free_ha, title: msg.free_ha_help }));
    facts.appendChild(el("dd", { text: numberFormat.format(props.free_ha) + " ha (" + props.free_ha_as_of + ")" }));
  }
  const box = el("div", { class: "hp-popup", "data-feature-id": props.id }, [
    el("h3", { text: nameOf(props) }),
    other && other !== nameOf(props) ? el("p", { class: "hp-other-name", text: other }) : null,
    el("p", { class: "hp-kind" }, [
      (labels.kind[props.kind] || props.kind) + " · ", statusBadge(props.status),
      props.status_as_of ? " (" + props.status_as_of + ")" : "",
    ]),
    facts,
    el("p", { class: "hp-quality-line hp-q-" + props.geometry_quality },
       [msg.geometry_quality + ": " + (labels.quality[props.geometry_quality] || props.geometry_quality)]),
  ]);
  if (cfg.distances) box.appendChild(distancesNode(props));
  box.appendChild(el("a", { class: "hp-details", href: featureUrl(props.id), text: msg.details + " →" }));
  return box;
}
