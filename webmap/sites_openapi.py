"""The OpenAPI description of the investor endpoints, ``GET /api/sites`` and ``POST /api/evaluate``.

Merged into ``webmap/openapi.py``'s document: ``SCHEMAS`` join its component schemas and ``paths()``
its paths, keyed by the full path. ``$ref``s to ``Exception`` point at that document's own schema.
"""

from __future__ import annotations

from geo.analysis import proposal, sites
from geo.model.catalog import FORMER_PROVINCES, STATUSES

TAG = "Investors"
JSON, GEOJSON, CSV = "application/json", "application/geo+json", "text/csv"
_STRING = {"type": "string"}
_NUMBER = {"type": "number"}
_NULLABLE_NUMBER = {"type": "number", "nullable": True}
_NULLABLE_STRING = {"type": "string", "nullable": True}
_EXCEPTION = {"$ref": "#/components/schemas/Exception"}
CRITERION_KEYS = [c.key for c in sites.CRITERIA]
DISTANCE_KEYS = [c.key for c in sites.DISTANCES]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: tuple[str, ...] = (), description: str | None = None, **properties: dict) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def _keyed(keys: list[str], value: dict, description: str) -> dict:
    """An object whose members are some of ``keys``, each holding ``value``."""
    return {
        "type": "object",
        "description": description,
        "properties": {key: value for key in keys},
        "additionalProperties": False,
    }


def _error(description: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": _EXCEPTION}}}


_DISTANCES = _keyed(
    DISTANCE_KEYS, _NULLABLE_NUMBER, "Great-circle km from the centroid to each key place; null if it is unknown"
)
_DISTANCE_UNCERTAINTIES = _keyed(
    DISTANCE_KEYS,
    _NULLABLE_NUMBER,
    "How many km each distance may be off: the sum of both places' position uncertainties (a conservative "
    "bound); 0 for an exact place; null if either uncertainty is not stated or the place is absent",
)
_ZONE_SHARE = _object(
    ("id", "name_vi", "name_en", "share_pct"),
    id=_STRING,
    name_vi=_STRING,
    name_en=_STRING,
    share_pct={**_NUMBER, "description": "% of the proposal's area inside the zone"},
)
_SITE_FIELDS = {
    "rank": {
        "type": "integer",
        "minimum": 1,
        "nullable": True,
        "description": f"Scores within {sites.TIE_POINTS} points of their group's best share a rank (1, 1, 3); "
        "null for a park included with no weighted value known (unknowns=include)",
    },
    "tied": {"type": "boolean", "description": "Another park shares this rank"},
    "id": _STRING,
    "name_vi": _STRING,
    "name_en": _STRING,
    "status": {"type": "string", "enum": list(STATUSES)},
    "kind": _STRING,
    "zone_id": {"type": "string", "description": "The declared economic zone, or an empty string"},
    "former_province": {"type": "string", "enum": list(FORMER_PROVINCES)},
    "sectors": {"type": "array", "items": _STRING},
    "sectors_vi": {
        "type": "array",
        "items": _STRING,
        "description": "The same sectors in Vietnamese, in the same order; empty where not translated",
    },
    "developer": {"type": "string", "description": "The developer or operator as published; empty if unknown"},
    "developer_vi": {"type": "string", "description": "The developer text in Vietnamese; empty where not translated"},
    "area_ha": {**_NULLABLE_NUMBER, "description": "Declared area (ha)"},
    "area_ha_as_of": {**_NULLABLE_STRING, "description": "Date the area describes"},
    "occupancy_pct": _NULLABLE_NUMBER,
    "free_ha": {**_NULLABLE_NUMBER, "description": "Leasable area × (1 − occupancy), ha"},
    "free_ha_as_of": {**_NULLABLE_STRING, "description": "Date of the older of the two figures"},
    "lease_usd_m2": {**_NULLABLE_NUMBER, "description": "Published land lease price, USD/m² for the remaining term"},
    "lease_usd_m2_as_of": _NULLABLE_STRING,
    "geometry_quality": _STRING,
    "score": {
        **_NUMBER,
        "minimum": 0,
        "maximum": 100,
        "nullable": True,
        "description": "The sum of score_breakdown; null when no weighted value is known (never 0 for unknowns)",
    },
    "score_breakdown": _keyed(
        CRITERION_KEYS,
        _NUMBER,
        "Each known weighted criterion's share of the score, w·points / Σw over the known criteria, in hundredths "
        "rounded by largest remainder so that they add up exactly to score",
    ),
    "unknown_criteria": {
        "type": "array",
        "items": {"type": "string", "enum": CRITERION_KEYS},
        "description": "Criteria filtered on or weighted whose value this park lacks (unknowns=include)",
    },
    "reasons": {"type": "array", "items": _STRING, "description": "Why each of unknown_criteria is unknown"},
    "distances_km": _DISTANCES,
    "distance_uncertainty_km": _DISTANCE_UNCERTAINTIES,
    "page_url": {"type": "string", "format": "uri", "description": "The park's page (absolute)"},
}

SCHEMAS = {
    "SiteResult": _object(tuple(_SITE_FIELDS), **_SITE_FIELDS),
    "SiteUnknown": _object(
        ("id", "name_vi", "name_en", "reasons"),
        "A park that might match but whose needed values are unknown",
        id=_STRING,
        name_vi=_STRING,
        name_en=_STRING,
        reasons={"type": "array", "items": _STRING, "minItems": 1},
        page_url={"type": "string", "format": "uri"},
    ),
    "SiteCriteria": _keyed(
        CRITERION_KEYS,
        _object(("weight", "points"), weight={**_NUMBER, "minimum": 0}, points=_STRING),
        "Every criterion with its weight and how its 0–100 points are computed",
    ),
    "SiteSearch": _object(
        (
            "results",
            "unknown",
            "matched",
            "excluded_unknown",
            "criteria",
            "score_explanation",
            "tie_points",
            "distance_note",
            "query",
        ),
        results={"type": "array", "items": _ref("SiteResult")},
        unknown={"type": "array", "items": _ref("SiteUnknown")},
        matched={"type": "integer", "minimum": 0, "description": "Parks ranked, before limit"},
        excluded_unknown={
            "type": "integer",
            "minimum": 0,
            "description": "Parks left out for an unknown value (unknowns=exclude)",
        },
        criteria=_ref("SiteCriteria"),
        score_explanation={**_STRING, "description": "How the score is made, in one line, in the asked language"},
        tie_points={**_NUMBER, "description": "Scores this close to their group's best share its rank"},
        distance_note=_STRING,
        query={"type": "object", "description": "Every parameter with the value used (given or default)"},
    ),
    "SiteFeatureCollection": _object(
        ("type", "features"),
        "The ranked parks with their outlines; properties as in SiteResult",
        type={"type": "string", "enum": ["FeatureCollection"]},
        features={
            "type": "array",
            "items": _object(
                ("type", "id", "geometry", "properties"),
                type={"type": "string", "enum": ["Feature"]},
                id=_STRING,
                geometry=_ref("Geometry"),
                properties=_ref("SiteResult"),
            ),
        },
        unknown={"type": "array", "items": _ref("SiteUnknown")},
        matched={"type": "integer", "minimum": 0},
        excluded_unknown={"type": "integer", "minimum": 0},
        criteria=_ref("SiteCriteria"),
        score_explanation=_STRING,
        tie_points=_NUMBER,
        distance_note=_STRING,
        query={"type": "object"},
    ),
    "ProposalGeometry": _object(
        ("type", "coordinates"),
        "A GeoJSON Polygon or MultiPolygon, longitude/latitude (CRS84), rings closed",
        type={"type": "string", "enum": ["Polygon", "MultiPolygon"]},
        coordinates={"type": "array", "items": {"type": "array"}},
    ),
    "ProposalFeature": _object(
        ("type", "geometry"),
        "A GeoJSON Feature holding the proposal",
        type={"type": "string", "enum": ["Feature"]},
        geometry=_ref("ProposalGeometry"),
        properties={"type": "object", "nullable": True},
    ),
    "ProposalZone": _ZONE_SHARE,
    "ProposalEvaluation": _object(
        ("area_ha", "centroid", "zone", "zones", "overlaps", "distances_km", "distance_uncertainty_km", "computed_in"),
        area_ha=_NUMBER,
        centroid={"type": "array", "items": _NUMBER, "minItems": 2, "maxItems": 2, "description": "[lon, lat]"},
        zone={  # inlined: OAS 3.0 validators ignore "nullable" next to a $ref or allOf
            **_ZONE_SHARE,
            "nullable": True,
            "description": "The economic zone holding the largest share, if at least 50 %; else null",
        },
        zones={"type": "array", "items": _ref("ProposalZone"), "description": "Every economic zone it overlaps"},
        overlaps={
            "type": "array",
            "description": "Every industrial park and cluster it overlaps, largest overlap first",
            "items": _object(
                ("id", "layer", "name_vi", "name_en", "overlap_ha", "share_of_proposal_pct"),
                id=_STRING,
                layer={"type": "string", "enum": list(proposal.OVERLAP_LAYERS)},
                name_vi=_STRING,
                name_en=_STRING,
                overlap_ha=_NUMBER,
                share_of_proposal_pct=_NUMBER,
            ),
        },
        distances_km=_DISTANCES,
        distance_uncertainty_km={
            **_DISTANCE_UNCERTAINTIES,
            "description": "How many km each distance may be off: the key place's position uncertainty (the drawn "
            "site is exact); null if it is not stated or the place is absent",
        },
        computed_in={"type": "string", "enum": [proposal.METRIC_CRS], "description": "CRS of areas and shares"},
    ),
}


def _query(name: str, description: str, schema: dict, repeatable: bool = False) -> dict:
    parameter = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if repeatable:
        parameter = {**parameter, "schema": {"type": "array", "items": schema}, "style": "form", "explode": True}
    return parameter


def _site_parameters() -> list[dict]:
    distances = [
        _query(
            f"max_km_{c.parameter}",
            f"Only parks whose {c.label} is at most this many km (great-circle, between centroids)",
            {"type": "number", "exclusiveMinimum": True, "minimum": 0},
        )
        for c in sites.DISTANCES
    ]
    weights = [
        _query(
            f"w_{c.parameter}",
            f"Weight of {c.label} in the score",
            {**_NUMBER, "minimum": 0, "default": c.default_weight},
        )
        for c in sites.CRITERIA
    ]
    statuses = {"type": "string", "enum": list(STATUSES)}
    provinces = {"type": "string", "enum": list(FORMER_PROVINCES)}
    zones = "any (default), yes (declared in an economic zone), no, or an economic zone's id"
    return [
        _query("status", "Only parks of these statuses (default: all)", statuses, repeatable=True),
        _query("min_free_ha", "Only parks with at least this much free land (ha)", {**_NUMBER, "minimum": 0}),
        *distances,
        _query(
            "sector", "Only parks with any of these sectors (case and diacritics ignored)", _STRING, repeatable=True
        ),
        _query("in_zone", f"Declared economic zone membership: {zones}", {**_STRING, "default": "any"}),
        _query("former_province", "Only parks of this former province", provinces),
        *weights,
        _query("limit", "At most this many ranked parks (default: all)", {"type": "integer", "minimum": 1}),
        _query(
            "unknowns",
            "A park whose needed value is unknown: apart (default: listed under `unknown` with reasons), include "
            "(ranked on its known criteria, marked with unknown_criteria) or exclude (left out, counted in "
            "excluded_unknown)",
            {"type": "string", "enum": list(sites.UNKNOWNS_CHOICES), "default": "apart"},
        ),
        _query("f", "Response format", {"type": "string", "enum": ["json", "csv", "geojson"], "default": "json"}),
        {"$ref": "#/components/parameters/lang"},
    ]


_SITES_DESCRIPTION = (
    "Each criterion gives 0–100 points: free_land = 100 × min(free_ha, 100) / 100; a distance = "
    "100 × max(0, 1 − km / 60). score = Σ w·points / Σ w over the criteria with w > 0 whose value is known; "
    "score_breakdown holds each w·points / Σ w in hundredths, rounded by largest remainder, and score is their "
    "sum. Ranked by score, then id; scores within 0.5 points of their group's best share a rank. A park whose "
    "needed value is unknown is never 0 and never dropped: by `unknowns` it is listed apart with reasons "
    "(default), ranked on what is known and marked, or left out and counted. Distances are great-circle "
    "km between centroids, not road distances; distance_uncertainty_km says how far each may be off (the sum of "
    "both places' position uncertainties). All weights 0 is a 400."
)
_EVALUATE_DESCRIPTION = (
    "Send a GeoJSON Polygon or MultiPolygon (or a Feature holding one) in longitude/latitude, at most 64 KiB, "
    "5,000 vertices and 5,000 ha, inside the Hải Phòng region. Areas and shares are computed in EPSG:32648; "
    "zones are the economic zones (not free-trade-zone sites); overlaps are the industrial parks and clusters."
)


def paths() -> dict:
    """Return the OpenAPI path items of the sites endpoints, keyed by their full path (/api/...)."""
    bad_request = _error("A parameter is unknown, repeated or has a bad value")
    sites_ok = {
        "description": "The ranked parks",
        "content": {
            JSON: {"schema": _ref("SiteSearch")},
            GEOJSON: {"schema": _ref("SiteFeatureCollection")},
            CSV: {
                "schema": {
                    **_STRING,
                    "description": "UTF-8 with a BOM (attachment sites.csv): one row per ranked park, then the parks "
                    "listed apart (no rank or score): rank, tied, names, status, score, score_<criterion>, "
                    "developer, area_ha, free_ha, occupancy_pct, lease_usd_m2 (each with its date), "
                    "distance_km_<place>, distance_uncertainty_km_<place>, unknown_criteria, reasons, page_url",
                }
            },
        },
    }
    return {
        "/api/sites": {
            "get": {
                "operationId": "findSites",
                "tags": [TAG],
                "summary": "Find industrial parks for an investor: filter, score on weighted criteria, rank",
                "description": _SITES_DESCRIPTION,
                "parameters": _site_parameters(),
                "responses": {
                    "200": sites_ok,
                    "304": {"description": "Unchanged since the ETag given in If-None-Match"},
                    "400": bad_request,
                    "500": _error("An unexpected error"),
                },
            }
        },
        "/api/evaluate": {
            "post": {
                "operationId": "evaluateProposal",
                "tags": [TAG],
                "summary": "Check a proposed site: area, economic zone, overlapping parks and clusters, distances",
                "description": _EVALUATE_DESCRIPTION,
                "parameters": [
                    _query("f", "Response format", {"type": "string", "enum": ["json"], "default": "json"}),
                    {"$ref": "#/components/parameters/lang"},
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        media: {"schema": {"oneOf": [_ref("ProposalGeometry"), _ref("ProposalFeature")]}}
                        for media in (JSON, GEOJSON)
                    },
                },
                "responses": {
                    "200": {"description": "The evaluation", "content": {JSON: {"schema": _ref("ProposalEvaluation")}}},
                    "400": _error(
                        "Not JSON or not GeoJSON; not polygonal; empty; invalid or self-intersecting (with the "
                        "location); over 5,000 ha or 5,000 vertices; outside the Hải Phòng region; or a bad parameter"
                    ),
                    "405": _error("Only POST is allowed"),
                    "413": _error("The body is larger than 64 KiB"),
                    "500": _error("An unexpected error"),
                },
            }
        },
    }
