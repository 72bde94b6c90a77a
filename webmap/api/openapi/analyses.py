"""The analyses in the OpenAPI document: the investors' ``/api/sites`` and ``/api/evaluate``, the planners'
``/api/coverage``, ``/api/quality`` and ``/api/city``.

Their parameters are listed in the order (and under the names) their handlers accept them; their bodies
are the schemas generated from ``webmap.api.schemas``.
"""

from __future__ import annotations

from geo.analysis import sites
from geo.analysis.quality import CSV_COLUMNS
from geo.model.catalog import FORMER_PROVINCES, STATUSES
from webmap.api import params
from webmap.api.openapi.generate import BINARY, GEOJSON, JSON, answer, cached_json, get, query, ref, refusal, repeated

INVESTORS, PLANNING = "Investors", "Planning"
_TEXT = {"type": "string"}
_NUMBER = {"type": "number", "minimum": 0}
_WORD = {"type": "string", "pattern": params.WORD_PATTERN}
_LANG = ref("parameters", "lang")
_PROPOSAL = {"anyOf": [ref("schemas", name) for name in ("ProposalPolygon", "ProposalMultiPolygon", "ProposalFeature")]}

SITES_DESCRIPTION = (
    "Each criterion gives 0–100 points: free_land = 100 × min(free_ha, 100) / 100; a distance = "
    "100 × max(0, 1 − km / 60). score = Σ w·points / Σ w over the criteria with w > 0 whose value is known; "
    "score_breakdown holds each w·points / Σ w in hundredths, rounded by largest remainder, and score is their "
    "sum. Ranked by score, then id; scores within 0.5 points of their group's best share a rank. A park whose "
    "needed value is unknown is never 0 and never dropped: by `unknowns` it is listed apart with reasons "
    "(default), ranked on what is known and marked, or left out and counted. Distances are great-circle "
    "km between centroids, not road distances; distance_uncertainty_km says how far each may be off (the sum of "
    "both places' position uncertainties). Every weight 0 is a 400: give at least one criterion a weight."
)
EVALUATE_DESCRIPTION = (
    "Send a GeoJSON Polygon or MultiPolygon (or a Feature holding one) in longitude/latitude, at most 64 KiB, "
    "5,000 vertices and 5,000 ha, inside the Hải Phòng region. Areas and shares are computed in EPSG:32648; "
    "zones are the economic zones (not free-trade-zone sites); overlaps are the industrial parks and clusters."
)
SITES_CSV = (
    "UTF-8 with a BOM (attachment sites.csv): one row per ranked park, then the parks listed apart (no rank or "
    "score): rank, tied, names, status, score, score_<criterion>, developer, area_ha, free_ha, occupancy_pct, "
    "lease_usd_m2 (each with its date), distance_km_<place>, distance_uncertainty_km_<place>, unknown_criteria, "
    "reasons, page_url"
)
SITES_XLSX = (
    "An Excel workbook (attachment sites.xlsx), one sheet with the CSV's columns and rows; numbers as numbers, "
    "text always as text (never a formula)"
)


def paths(zone_ids: list[str]) -> dict:
    """Return the path items of the analyses, keyed by their full path (/api/...); ``zone_ids``: the economic
    zones a site search may ask for."""
    return {
        "/api/sites": get(
            "findSites", INVESTORS, "Find industrial parks for an investor: filter, score on weighted criteria, rank",
            _site_parameters(zone_ids),
            cached_json(answer(
                "The ranked parks", json=ref("schemas", "SiteSearch"), geojson=ref("schemas", "SiteFeatureCollection"),
                csv={**_TEXT, "description": SITES_CSV}, xlsx={**BINARY, "description": SITES_XLSX},
            )),
            description=SITES_DESCRIPTION,
        ),
        "/api/evaluate": {"post": {
            "operationId": "evaluateProposal",
            "tags": [INVESTORS],
            "summary": "Check a proposed site: area, economic zone, overlapping parks and clusters, distances",
            "description": EVALUATE_DESCRIPTION,
            "parameters": [query("f", "Response format",
                                 {"type": "string", "enum": list(params.EVALUATE_FORMATS), "default": "json"}),
                           _LANG],
            "requestBody": {"required": True, "content": {
                media: {"schema": _PROPOSAL} for media in (JSON, GEOJSON)
            }},
            "responses": {
                "200": answer("The evaluation", json=ref("schemas", "ProposalEvaluation")),
                "400": refusal(
                    "Not JSON or not GeoJSON; not polygonal; empty; invalid or self-intersecting (with the location); "
                    "over 5,000 ha or 5,000 vertices; outside the Hải Phòng region; or a bad parameter"
                ),
                "405": refusal("Only POST is allowed"),
                "413": refusal("The body is larger than 64 KiB"),
                "500": ref("responses", "ServerError"),
            },
        }},
        "/api/coverage": get(
            "coverage", PLANNING, "How much of each economic zone the industrial parks cover, by status; parks by "
            "district and commune; park overlaps and area mismatches", [_format(), _LANG],
            _report("CoverageReport", "one row per economic zone"),
            description="Areas are measured in EPSG:32648 (UTM 48N); overlapping parks count once. The CSV holds "
            "the zones table, one row per zone, by_status as covered_<status>_ha and by_certainty as "
            "covered_known_ha, covered_known_<status>_ha, covered_uncertain_ha, covered_uncertain_<status>_ha.",
        ),
        "/api/quality": get(
            "quality", PLANNING, "Data quality: completeness of the park attributes; stale, conflicting figures; "
            "outlines not traced; per layer, the distance between geometries and their position evidence",
            [query("as_of", "Reference date of the staleness check, YYYY-MM-DD (default: today)",
                   {"type": "string", "format": "date"}), _format(), _LANG],
            _report("QualityReport", "one row per finding"),
            description=f"The CSV holds one row per finding, with the columns {', '.join(CSV_COLUMNS)}; a conflict "
            "gives one row per value; section position_evidence gives per layer median_distance_m, "
            "worst_distance_m (id: the farthest feature) and marks:<kind> counts, section no_position_evidence one "
            "row per feature without a record.",
        ),
        "/api/city": get(
            "getCityFigures", PLANNING, "Figures about Hải Phòng as a whole, each dated and cited, and the data "
            "set's parks beside them",
            [_format("Response format: JSON (default), CSV (UTF-8 with a BOM, sources as 'title (publisher) url') or "
                     "xlsx (the same table as an Excel workbook)"), _LANG],
            _report("CityFigures", "one row per figure"),
        ),
    }  # fmt: skip


def _format(
    description: str = "Response format: JSON (default), CSV or xlsx (an Excel workbook of the CSV's table)",
) -> dict:
    return query("f", description, {"type": "string", "enum": list(params.REPORT_FORMATS), "default": "json"})


def _report(schema: str, csv_rows: str) -> dict:
    return cached_json(answer(
        f"The report as JSON, or with f=csv (or f=xlsx, as a workbook) {csv_rows} (an attachment)",
        json=ref("schemas", schema), csv=_TEXT, xlsx=BINARY,
    ))  # fmt: skip


def _site_parameters(zone_ids: list[str]) -> list[dict]:
    zones = "any (default), yes (declared in an economic zone), no, or an economic zone's id"
    documented = {
        "status": repeated("status", "Only parks of these statuses (default: all)",
                           {"type": "string", "enum": list(STATUSES)}),
        "min_free_ha": query("min_free_ha", "Only parks with at least this much free land (ha)", _NUMBER),
        **{f"max_km_{c.parameter}": query(
            f"max_km_{c.parameter}", f"Only parks whose {c.label} is at most this many km (great-circle, between "
            "centroids)", {**_NUMBER, "exclusiveMinimum": True}) for c in sites.DISTANCES},
        "sector": repeated("sector", "Only parks with any of these sectors (case and diacritics ignored)", _WORD),
        "in_zone": query("in_zone", f"Declared economic zone membership: {zones}",
                         {"type": "string", "enum": [*sites.IN_ZONE_CHOICES, *zone_ids], "default": "any"}),
        "former_province": query("former_province", "Only parks of this former province",
                                 {"type": "string", "enum": list(FORMER_PROVINCES)}),
        **{f"w_{c.parameter}": query(f"w_{c.parameter}", f"Weight of {c.label} in the score",
                                     {**_NUMBER, "default": c.default_weight}) for c in sites.CRITERIA},
        "limit": query("limit", "At most this many ranked parks (default: all)", {"type": "integer", "minimum": 1}),
        "unknowns": query(
            "unknowns", "A park whose needed value is unknown: apart (default: listed under `unknown` with reasons), "
            "include (ranked on its known criteria, marked with unknown_criteria) or exclude (left out, counted in "
            "excluded_unknown)", {"type": "string", "enum": list(sites.UNKNOWNS_CHOICES), "default": "apart"},
        ),
        "f": query("f", "Response format: xlsx is an Excel workbook of the CSV's table",
                   {"type": "string", "enum": list(params.SITES_FORMATS), "default": "json"}),
        "lang": _LANG,
    }  # fmt: skip
    return [documented[name] for name in params.SITES_PARAMETERS]  # one the handler takes, undocumented: KeyError
