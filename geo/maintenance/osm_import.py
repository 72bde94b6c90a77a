"""Plan the edits that bring matched OpenStreetMap outlines in (matching: ``osm_match``).

Applying a match sets the outline, ``geometry_quality`` ``traced``, ``geometry_sources`` (the extract,
registered in sources.csv with kind ``osm``), a note naming the OSM objects, and
``position_uncertainty_m`` ``OSM_UNCERTAINTY_M``; and adds one ``osm_outline`` record per OSM object to
positions.csv.
"""


from __future__ import annotations

import hashlib
from dataclasses import dataclass

from geo.formats.osm import Extract
from geo.formats.tables import DataFiles
from geo.maintenance.changelog import Change
from geo.maintenance.edits import compact_geometry, position_change, position_text, source_text
from geo.maintenance.imports import geometry_json, is_translated
from geo.maintenance.osm_match import OSM_UNCERTAINTY_M, Area, Match, Report, match_extract
from geo.model import parse
from geo.model.catalog import LayerSpec
from geo.model.errors import MaintenanceError
from geo.model.files import POSITION_COLUMNS, POSITIONS_FILE, SOURCES_FILE, vietnamese

OSM_CONFIDENCE = "high"  # a named area that also lies where the evidence puts the feature
OSM_SOURCE_KIND = "osm"  # sources.csv kind of a registered extract
ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
ATTRIBUTION_VI = "© những người đóng góp OpenStreetMap (ODbL)"
OSM_QUALITY = "traced"


@dataclass(frozen=True)
class OsmPlan:
    """The report, and the edits applying its matches would make."""

    report: Report
    changes: tuple[Change, ...]
    unchanged: int  # matched features whose outline, properties and records are already as the extract has them


def plan_osm_import(
    files: DataFiles,
    extract: Extract,
    layers: list[LayerSpec],
    as_of: str | None = None,
    source_location: str | None = None,
) -> OsmPlan:
    """Match ``extract`` to the features of ``layers`` and list the edits applying the matches would make.

    ``as_of`` is the extract's date when its header states none; ``source_location`` where it was
    downloaded from (default: its file name).

    Raises
    ------
    MaintenanceError
        When the extract's date is unknown or contradicts ``as_of``, or the store has no position table.
    """
    if POSITIONS_FILE not in files.tables:
        raise MaintenanceError(
            f"this store has no position evidence table ({POSITIONS_FILE}): OSM outlines are recorded there; "
            "load the data again with a version of hpmap that has it (`hpmap db load`)"
        )
    date = _extract_date(extract, as_of)
    report = match_extract(files, extract, date, layers)
    source_id, changes = _source(files, extract.name, source_location or extract.name, date)
    unchanged = 0
    for match in report.matched:
        edits = _outline_edits(files, match, source_id) + _record_edits(files, match, source_id, date)
        changes += edits
        unchanged += 0 if edits else 1
    if all(change.file == SOURCES_FILE for change in changes):
        changes = []  # registering a source nothing cites would be a change of its own
    return OsmPlan(report, tuple(changes), unchanged)


def _extract_date(extract: Extract, as_of: str | None) -> str:
    if as_of and not parse.is_date(as_of):
        raise MaintenanceError(f"--as-of {as_of}: not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    if extract.as_of and as_of and not extract.as_of.startswith(as_of):
        raise MaintenanceError(
            f"{extract.name}: its header dates it {extract.as_of}, not {as_of}: leave --as-of out or correct it"
        )
    date = extract.as_of or as_of
    if not date:
        raise MaintenanceError(
            f"{extract.name}: the file states no date (no replication timestamp in its header): "
            "give the date of the extract with --as-of YYYY-MM-DD"
        )
    return date


def _source(files: DataFiles, name: str, location: str, as_of: str) -> tuple[str, list[Change]]:
    sources = files.table(SOURCES_FILE)
    same = sources[(sources["kind"] == OSM_SOURCE_KIND) & (sources["location"] == location)
                   & (sources["published"] == as_of)]  # fmt: skip
    if len(same):
        return str(same["id"].iloc[0]), []
    digest = hashlib.sha1(f"{location}@{as_of}".encode()).hexdigest()[:6]
    source_id = f"osm-{as_of.replace('-', '')}-{digest}"
    row = {
        "kind": OSM_SOURCE_KIND,
        "location": location,
        "title": f"OpenStreetMap extract {name}; © OpenStreetMap contributors, ODbL 1.0",
        "published": as_of,
    }
    return source_id, [Change(SOURCES_FILE, "", source_id, "source", "", source_text(row), op="add")]


def _outline_edits(files: DataFiles, match: Match, source_id: str) -> list[Change]:
    feature = match.feature
    spec = files.spec(feature.layer)
    current = files.collections[spec.geometry_file].feature(feature.feature_id) or {}
    properties = current.get("properties") or {}
    parts = ", ".join(f"{area.ref} '{area.name}'" for area in match.areas)
    wanted = {
        "geometry": geometry_json(match.outline),
        "geometry_quality": OSM_QUALITY,
        "geometry_sources": source_id,
        "geometry_note": f"OpenStreetMap {parts}; {ATTRIBUTION}.",
        "position_uncertainty_m": str(OSM_UNCERTAINTY_M),
    }
    if is_translated(files.collections[spec.geometry_file].document, "geometry_note"):
        wanted["geometry_note_vi"] = f"OpenStreetMap {parts}; {ATTRIBUTION_VI}."
    edits = []
    for field, value in wanted.items():
        old = compact_geometry(current.get("geometry")) if field == "geometry" else str(properties.get(field, ""))
        if old != value:
            edits.append(Change(spec.geometry_file, spec.name, feature.feature_id, field, old, value))
    return edits


def _record_edits(files: DataFiles, match: Match, source_id: str, as_of: str) -> list[Change]:
    positions = files.table(POSITIONS_FILE)
    feature = match.feature
    translated = vietnamese("note") in positions.columns and (positions[vietnamese("note")] != "").any()
    edits = []
    for area in match.areas:
        record = _record(feature.feature_id, area, source_id, as_of, translated)
        new = position_text(record)
        existing = positions[positions["id"] == record["id"]]
        old = position_text(existing.iloc[0]) if len(existing) else ""
        if old == new:
            continue
        if old:
            edits.append(Change(POSITIONS_FILE, feature.layer, feature.feature_id, "position", old, "", op="remove"))
        edits.append(position_change(feature.layer, record))
    return edits


def _record(feature_id: str, area: Area, source_id: str, as_of: str, translated: bool = False) -> dict:
    # ``translated``: positions.csv has Vietnamese notes, so the record gets one too.
    kind, number = area.ref.split("/")
    point = area.geometry.representative_point()  # inside the area, whatever its shape
    hectares = area.metric.area / 10_000
    record = dict(
        zip(
            POSITION_COLUMNS,
            (f"{feature_id}-osm-{kind[0]}{number}", feature_id, "osm_outline", f"{point.x:.6f}", f"{point.y:.6f}",
             str(OSM_UNCERTAINTY_M), OSM_CONFIDENCE, source_id, as_of,
             f"OpenStreetMap {area.ref} '{area.name}' ({area.tagged}, {hectares:,.1f} ha); {ATTRIBUTION}"),
            strict=True,
        )
    )  # fmt: skip
    if translated:
        area_vi = f"{hectares:,.1f} ha".translate(str.maketrans(",.", ".,"))  # 1.234,5: Vietnamese digits
        record["note_vi"] = f"OpenStreetMap {area.ref} '{area.name}' ({area.tagged}, {area_vi}); {ATTRIBUTION_VI}"
    return record
