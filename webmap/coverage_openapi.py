"""The OpenAPI description of /api/coverage and /api/quality, merged into webmap/openapi.py's document.

Self-contained helpers: webmap/openapi.py imports this module while it is itself being imported, so
nothing is imported back from it. ``$ref``s point at its components (Exception, the shared
responses) and at the schemas below.
"""

from __future__ import annotations

from geo.analysis.coverage import KNOWN_WITHIN_M, MIN_OVERLAP_HA
from geo.analysis.quality import COMPLETENESS_FIELDS, CSV_COLUMNS, STALE_AFTER_YEARS, TRACED
from geo.model.catalog import GEOMETRY_QUALITIES, POSITION_MARKS, STATUSES
from webmap.coverage_api import FORMATS, JSON
from webmap.params import LANGUAGES

CSV_MEDIA_TYPE = "text/csv"
TAG = "Planning"
_STRING = {"type": "string"}
_HA = {"type": "number", "minimum": 0, "description": "hectares, measured in EPSG:32648 (UTM 48N)"}
_HA_OR_NULL = {"type": "number", "minimum": 0, "nullable": True, "description": "hectares; null when no data"}
_PCT_OR_NULL = {"type": "number", "minimum": 0, "nullable": True, "description": "percent; null when no data"}
_COUNT = {"type": "integer", "minimum": 0}
_METRES_OR_NULL = {"type": "number", "minimum": 0, "nullable": True, "description": "metres; null when unknown"}
_IDS = {"type": "array", "items": _STRING}
_DATE = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$", "description": "YYYY, YYYY-MM or YYYY-MM-DD"}
_DATE_OR_EMPTY = {
    "type": "string",
    "pattern": r"^(\d{4}(-\d{2}(-\d{2})?)?)?$",
    "description": "YYYY, YYYY-MM or YYYY-MM-DD; empty when no source dates the value",
}


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _object(required: tuple[str, ...], **properties: dict) -> dict:
    return {"type": "object", "required": list(required), "properties": properties}


def _record(**properties: dict) -> dict:
    """An object with every property required (null stands for "no data")."""
    return _object(tuple(properties), **properties)


def _array_of(schema: str) -> dict:
    return {"type": "array", "items": _ref("schemas", schema)}


_OCCUPANCY = {
    "leasable_ha": {**_HA_OR_NULL, "description": "leasable hectares of the parks with both leasable area and "
                    "occupancy known (the base of occupancy_pct); null when none has both"},
    "occupied_ha": {**_HA_OR_NULL, "description": "Σ leasable × occupancy / 100 over those parks"},
    "occupancy_pct": {**_PCT_OR_NULL, "description": "occupied_ha / leasable_ha × 100 (weighted by leasable area)"},
}  # fmt: skip
_PARK_NAMES = {"id": _STRING, "name_vi": _STRING, "name_en": _STRING}

SCHEMAS = {
    "CoverageReport": _record(
        zones=_array_of("CoverageZone"),
        districts=_array_of("CoveragePlace"),
        communes=_array_of("CoveragePlace"),
        districts_vi={**_array_of("CoveragePlace"), "description": "the parks by the Vietnamese text of old_district"},
        communes_vi={**_array_of("CoveragePlace"), "description": "the parks by the Vietnamese text of commune_2025"},
        outside_zones=_array_of("CoverageParkOutside"),
        overlaps=_array_of("CoverageOverlap"),
        area_mismatches=_array_of("CoverageAreaMismatch"),
        totals=_ref("schemas", "CoverageTotals"),
        computed_in={"type": "string", "enum": ["EPSG:32648"], "description": "the CRS areas are measured in"},
    ),
    "CoverageZone": {
        **_record(
            **_PARK_NAMES,
            area_ha={**_HA_OR_NULL, "description": "declared area"},
            outline_ha={**_HA, "description": "the zone outline's measured area"},
            covered_ha={**_HA, "description": "area of the union of the park outlines clipped to the zone"},
            covered_pct={**_PCT_OR_NULL, "description": "covered_ha / outline_ha × 100"},
            by_status=_record(**{status: _HA for status in STATUSES}),
            by_certainty=_ref("schemas", "CoverageCertainty"),
            parks={**_IDS, "description": "ids of the parks sharing land with the zone, sorted"},
            parks_declared={**_IDS, "description": "ids of the parks whose zone_id is this zone, sorted"},
            **_OCCUPANCY,
            parks_with_occupancy=_COUNT,
        ),
        "description": "One economic zone. by_status splits covered_ha: land under an operating park counts as "
        "operating, then under_construction, planned, proposed. The occupancy figures are over the zone's parks.",
    },
    "CoverageCertainty": {
        **_record(
            known_within_m={"type": "number", "enum": [KNOWN_WITHIN_M], "description": "the threshold, metres"},
            known=_ref("schemas", "CoverageCertaintyPart"),
            uncertain=_ref("schemas", "CoverageCertaintyPart"),
        ),
        "description": f"covered_ha split by how well the outlines are placed: 'known' is the land under outlines "
        f"whose position_uncertainty_m is at most {KNOWN_WITHIN_M} m; 'uncertain' the land only under outlines "
        "more uncertain or stating none. The two add up to covered_ha (union_ha in the totals).",
    },
    "CoverageCertaintyPart": _record(
        covered_ha=_HA,
        by_status=_record(**{status: _HA for status in STATUSES}),
        parks={**_IDS, "description": "ids of the parks whose outlines are in this part, sorted"},
    ),
    "CoveragePlace": {
        **_record(
            name=_STRING,
            parks=_IDS,
            declared_ha={**_HA_OR_NULL, "description": "Σ of the known declared areas"},
            outline_ha={**_HA, "description": "Σ of the outlines' measured areas"},
            **_OCCUPANCY,
        ),
        "description": "The parks recorded under one district or commune (the text before the first '(' or ';')",
    },
    "CoverageParkOutside": _record(**_PARK_NAMES, status={"type": "string", "enum": list(STATUSES)}),
    "CoverageOverlap": {
        **_record(
            a=_STRING,
            b=_STRING,
            overlap_ha=_HA,
            share_of_smaller_pct={"type": "number", "minimum": 0, "maximum": 100},
        ),
        "description": f"Two parks whose outlines share more than {MIN_OVERLAP_HA} ha, largest first",
    },
    "CoverageAreaMismatch": {
        **_record(id=_STRING, declared_ha=_HA, outline_ha=_HA, ratio={"type": "number", "minimum": 0}),
        "description": "A park whose outline is more than 15 % from its declared area; ratio = outline / declared",
    },
    "CoverageTotals": _record(
        parks=_COUNT,
        declared_ha=_HA_OR_NULL,
        outline_ha=_HA,
        union_ha={**_HA, "description": "area of the union of every park outline (overlaps counted once)"},
        by_certainty=_ref("schemas", "CoverageCertainty"),
        **_OCCUPANCY,
        parks_with_occupancy=_COUNT,
    ),
    "QualityReport": _record(
        reference_date={"type": "string", "format": "date"},
        stale_after_years={"type": "integer", "enum": [STALE_AFTER_YEARS]},
        completeness=_array_of("QualityCompleteness"),
        stale=_array_of("QualityStaleFigure"),
        conflicts=_array_of("QualityConflict"),
        approximate_geometry=_array_of("QualityRoughGeometry"),
        position_evidence=_array_of("QualityPositionEvidence"),
        counts=_record(
            parks=_COUNT, stale=_COUNT, conflicts=_COUNT, approximate_geometry=_COUNT, without_position_evidence=_COUNT
        ),
    ),
    "QualityPositionEvidence": {
        **_record(
            layer=_STRING,
            features=_COUNT,
            with_evidence={**_COUNT, "description": "features with at least one position record"},
            without_evidence={**_IDS, "description": "ids of the features with no position record, sorted"},
            median_distance_m={
                **_METRES_OR_NULL,
                "description": "median distance between a geometry and its best "
                "evidence (0 when it holds it); null when no feature has evidence",
            },
            worst_distance_m={**_METRES_OR_NULL, "description": "the largest of those distances"},
            worst_feature={**_STRING, "nullable": True, "description": "the feature at worst_distance_m"},
            by_marks={
                "type": "object",
                "description": "how many features rest on each kind of evidence (their best record's marks)",
                "properties": {mark: _COUNT for mark in POSITION_MARKS},
                "additionalProperties": False,
            },
        ),
        "description": "One layer's geometries against their position evidence (positions.csv): a feature's best "
        "record is the most trusted, then the most precise; distances in metres, measured in EPSG:32648",
    },
    "QualityCompleteness": _record(
        field={"type": "string", "enum": list(COMPLETENESS_FIELDS)},
        known=_COUNT,
        total=_COUNT,
        pct={**_PCT_OR_NULL, "maximum": 100, "description": "known / total × 100; null when there is no park"},
    ),
    "QualityStaleFigure": {
        **_record(
            **_PARK_NAMES,
            layer=_STRING,
            field=_STRING,
            value={"type": "number", "nullable": True},
            as_of=_DATE,
            age_years={"type": "number", "description": "years from the end of the as_of period to the reference"},
        ),
        "description": f"A shown figure describing a date more than {STALE_AFTER_YEARS} years before the reference "
        "date (a year counts from its 31 December, a month from its last day)",
    },
    "QualityConflict": _record(**_PARK_NAMES, layer=_STRING, field=_STRING, values=_array_of("QualityFigureValue")),
    "QualityFigureValue": _record(
        value={"type": "number", "nullable": True},
        as_of=_DATE_OR_EMPTY,
        sources=_IDS,
        shown={"type": "boolean"},
        verified={"type": "boolean", "description": "false: one of the sources states the value, not known which"},
    ),
    "QualityRoughGeometry": _record(
        **_PARK_NAMES,
        layer=_STRING,
        geometry_quality={"type": "string", "enum": [q for q in GEOMETRY_QUALITIES if q != TRACED]},
        geometry_note={"type": "string", "nullable": True},
        geometry_note_vi={"type": "string", "nullable": True, "description": "the note in Vietnamese, if any"},
    ),
}


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


_FORMAT = _query("f", "Response format: JSON (default) or CSV", {"type": "string", "enum": list(FORMATS)})
_LANG = _query(
    "lang", "Interface language; accepted, the report holds both", {"type": "string", "enum": list(LANGUAGES)}
)
_AS_OF = _query(
    "as_of", "Reference date of the staleness check, YYYY-MM-DD (default: today)", {"type": "string", "format": "date"}
)


def _responses(json_schema: str, csv_description: str) -> dict:
    return {
        "200": {
            "description": f"The report as JSON, or with f=csv {csv_description} (an attachment)",
            "content": {
                JSON: {"schema": _ref("schemas", json_schema)},
                CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
            },
        },
        "304": _ref("responses", "NotModified"),
        "400": _ref("responses", "BadRequest"),
        "500": _ref("responses", "ServerError"),
    }


def paths() -> dict:
    """Return the OpenAPI path items of the coverage endpoints, keyed by their full path (/api/...)."""
    csv_columns = ", ".join(CSV_COLUMNS)
    return {
        "/api/coverage": {
            "get": {
                "operationId": "coverage",
                "tags": [TAG],
                "summary": "How much of each economic zone the industrial parks cover, by status; parks by district "
                "and commune; park overlaps and area mismatches",
                "description": "Areas are measured in EPSG:32648 (UTM 48N); overlapping parks count once. "
                "The CSV holds the zones table, one row per zone, by_status as covered_<status>_ha and "
                "by_certainty as covered_known_ha, covered_known_<status>_ha, covered_uncertain_ha, "
                "covered_uncertain_<status>_ha.",
                "parameters": [_FORMAT, _LANG],
                "responses": _responses("CoverageReport", "one row per economic zone"),
            }
        },
        "/api/quality": {
            "get": {
                "operationId": "quality",
                "tags": [TAG],
                "summary": "Data quality: completeness of the park attributes; stale, conflicting figures; "
                "outlines not traced; per layer, the distance between geometries and their position evidence",
                "description": f"The CSV holds one row per finding, with the columns {csv_columns}; a conflict "
                "gives one row per value; section position_evidence gives per layer median_distance_m, "
                "worst_distance_m (id: the farthest feature) and marks:<kind> counts, section "
                "no_position_evidence one row per feature without a record.",
                "parameters": [_AS_OF, _FORMAT, _LANG],
                "responses": _responses("QualityReport", "one row per finding"),
            }
        },
    }
