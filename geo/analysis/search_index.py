"""What the map's search box searches: every feature's names and the words that lead to it, and the places.

The browser folds and matches (webmap/static/js/map/search.js); this lists, per feature, the texts a
query may match, each with the kind of match the result explains ("tenant: LG Display"):

- ``alias``: another name of the feature;
- ``tenant``: a company with a plot in it;
- ``commune``: the commune or ward (2025) it lies in (one entry per '; '-separated part);
- ``old_district``: the district it lay in before the 2025 reform (one entry per '; '-separated part);
- ``province``: the province it belonged to before the July 2025 merger (its key, "hai-duong").

Places are the commune, ward and district centres of ``context.geojson``: a result that moves the map.
"""

from __future__ import annotations

import pandas as pd

from geo.model.dataset import Dataset

MATCH_KINDS = ("alias", "tenant", "commune", "old_district", "province")
_LIST_KINDS = {"aliases": "alias", "tenants": "tenant"}  # list columns ("; "-separated in the tables)


def search_index(data: Dataset, layer_order: tuple[str, ...] = ()) -> dict:
    """Return ``{"features": [...], "places": [...]}``: each feature's id, layer, names, status and matches
    (``[kind, text]`` pairs), in ``layer_order`` first, and each place's id, names and position."""
    names = sorted(data.layers, key=lambda name: layer_order.index(name) if name in layer_order else len(layer_order))
    features = [_feature_entry(name, fid, row) for name in names for fid, row in data.layers[name].gdf.iterrows()]
    return {"features": features, "places": _places(data.context)}


def _feature_entry(layer: str, feature_id: str, row: pd.Series) -> dict:
    return {
        "id": feature_id,
        "layer": layer,
        "name_vi": _text(row.get("name_vi")),
        "name_en": _text(row.get("name_en")),
        "status": _text(row.get("status")),
        "matches": _matches(row),
    }


def _matches(row: pd.Series) -> list[list[str]]:
    matches = []
    for column, kind in _LIST_KINDS.items():
        matches += [[kind, item] for item in _items(row.get(column))]
    for column, kind in (("commune_2025", "commune"), ("old_district", "old_district")):
        matches += [[kind, part.strip()] for part in _text(row.get(column)).split(";") if part.strip()]
    if province := _text(row.get("former_province")):
        matches.append(["province", province])
    return matches


def _places(context) -> list[dict]:
    if context is None or context.empty or "kind" not in context:
        return []
    places = context[context["kind"] == "place"]
    return [
        {
            "id": str(place_id),
            "name_vi": _text(place.get("name_vi")),
            "name_en": _text(place.get("name_en")),
            "lon": round(float(place.geometry.x), 6),
            "lat": round(float(place.geometry.y), 6),
        }
        for place_id, place in places.iterrows()
        if place.geometry is not None and place.geometry.geom_type == "Point"
    ]


def _items(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value if str(item).strip()]
    return [part.strip() for part in _text(value).split(";") if part.strip()]


def _text(value) -> str:
    if value is None or (not isinstance(value, (list, tuple, str)) and pd.isna(value)):
        return ""
    return str(value).strip()
