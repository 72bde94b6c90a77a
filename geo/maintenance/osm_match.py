"""Match an OpenStreetMap extract's areas to our features (``osm_import`` turns the matches into edits).

An area fits a feature when both hold:

- **name**: one of its ``name``, ``name:vi``, ``name:en`` equals the feature's ``name_vi``, ``name_en`` or
  an alias, compared folded (``geo.model.text.fold``: no case, no diacritics) and with the spelled-out prefixes
  "Khu công nghiệp", "Cụm công nghiệp", "Khu kinh tế" read as KCN, CCN, KKT. A phase suffix ("giai đoạn
  2", "GĐ1", "phase II") is dropped when the full name fits nothing: a park split into phases is
  several areas with the park's name.
- **position**: the area lies within the feature's stated uncertainty (``position_uncertainty_m``) of its
  best position evidence (``geo.pipeline.placement.best_evidence``). A same-named park elsewhere does not fit.

A feature fitted by several areas that share a name gets their union (its phases). Nothing is guessed:
a feature fitted by areas of different names, or by an area that fits another feature too, is left
alone and reported, as is a feature whose only same-named areas lie too far from its evidence.
"""


from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

import geopandas as gpd
import shapely
from shapely.geometry import shape

from geo.formats.osm import Extract
from geo.formats.tables import DataFiles
from geo.model import parse
from geo.model.catalog import METRIC_CRS, WEB_CRS, LayerSpec
from geo.model.files import FIGURES_FILE, POSITIONS_FILE
from geo.model.text import fold
from geo.pipeline.placement import Evidence, best_evidence

# OSM industrial and port areas are traced from aerial imagery (offsets of 5–20 m), but their edges
# follow a fence, a road or the mapper's judgement of where the park ends: 100 m covers both.
OSM_UNCERTAINTY_M = 100
_PREFIXES = (("khu cong nghiep ", "kcn "), ("cum cong nghiep ", "ccn "), ("khu kinh te ", "kkt "))
_PHASE = re.compile(r"\s*\b(?:giai doan|gd|phase|dot)\s*(?:[0-9]+|[ivx]+)$")


@dataclass(frozen=True)
class Area:
    """One OSM object of the extract that names a feature of ours."""

    ref: str  # "way/10", "relation/20"
    name: str  # the names it carries, as shown: "KCN Tràng Duệ / Trang Due IP"
    tagged: str  # the tag that made it a candidate
    geometry: object  # EPSG:4326
    metric: object  # EPSG:32648
    keys: frozenset[str]  # its names as matched


@dataclass(frozen=True)
class Feature:
    """One of our features an area may be about."""

    layer: str
    feature_id: str
    name: str
    outline: object | None  # EPSG:32648
    uncertainty_m: float | None
    evidence: Evidence | None
    declared_ha: float | None


@dataclass(frozen=True)
class Match:
    """The areas that fit a feature, joined: its new outline."""

    feature: Feature
    areas: tuple[Area, ...]
    outline: object  # EPSG:4326, the union of the areas
    area_ha: float
    moved_m: float | None  # how far the outline's centroid moves; None when it had no outline
    evidence_m: float | None  # the new outline's distance from the feature's best evidence
    elsewhere: tuple[tuple[Area, float | None], ...] = ()  # same-named areas too far away, and their distance


@dataclass(frozen=True)
class Refusal:
    """A feature left alone although areas carry its name, and why."""

    feature: Feature
    areas: tuple[Area, ...]
    reason: str


@dataclass(frozen=True)
class Report:
    """What the extract says of each feature: matched, left alone (too far, several candidates), no match."""

    extract: str
    as_of: str
    candidates: int  # named candidate areas read
    matched: tuple[Match, ...]
    too_far: tuple[Refusal, ...]
    several: tuple[Refusal, ...]
    no_match: tuple[Feature, ...]


def name_key(name: str) -> str:
    """Return ``name`` as names are compared: folded, the spelled-out park and zone prefixes abbreviated.

    Examples
    --------
    >>> name_key("Khu công nghiệp Tràng Duệ") == name_key("KCN Trang Due")
    True
    """
    key = fold(name)
    for long, short in _PREFIXES:
        if key.startswith(long):
            key = short + key.removeprefix(long)
    return key


def without_phase(key: str) -> str:
    """Return a name key without its phase suffix: ``kcn trang due giai doan 2`` → ``kcn trang due``."""
    return _PHASE.sub("", key).strip()


def match_extract(files: DataFiles, extract: Extract, as_of: str, layers: list[LayerSpec]) -> Report:
    """Match the extract's areas to the features of ``layers`` by name and position."""
    features = _features(files, layers)
    names = _name_index(files, layers)
    named: dict[str, list[Area]] = defaultdict(list)  # feature id → areas carrying one of its names
    for area in _areas(extract):
        for feature_id in sorted(set().union(*(names.get(key, set()) for key in area.keys))):
            named[feature_id].append(area)
    fits: dict[str, list[Area]] = {}  # feature id → areas that fit it by name and position
    far: dict[str, list[tuple[Area, float | None]]] = {}
    fitted_by: dict[str, set[str]] = defaultdict(set)  # area ref → features it fits
    for feature_id, areas in named.items():
        fits[feature_id], outside = _fitting(features[feature_id], areas)
        if outside:
            far[feature_id] = [(area, _distance_to_evidence(features[feature_id], area.metric)) for area in outside]
        for area in fits[feature_id]:
            fitted_by[area.ref].add(feature_id)
    matched, several, too_far, no_match = [], [], [], []
    for feature_id, feature in features.items():
        areas = fits.get(feature_id, [])
        shared = [a for a in areas if len(fitted_by[a.ref]) > 1]
        if shared:
            others = sorted(set().union(*(fitted_by[a.ref] for a in shared)) - {feature_id})
            several.append(Refusal(feature, tuple(areas), f"{_refs(shared)} also fit(s) {', '.join(others)}"))
        elif areas and not frozenset.intersection(*(a.keys for a in areas)):
            several.append(Refusal(feature, tuple(areas), "the areas carry different names: which is the feature?"))
        elif areas:
            matched.append(_match(feature, tuple(areas), tuple(far.get(feature_id, ()))))
        elif feature_id in far:
            found = far[feature_id]
            too_far.append(Refusal(feature, tuple(area for area, _ in found), _far_reason(feature, found)))
        else:
            no_match.append(feature)
    return Report(
        extract.name, as_of, len(extract.areas), tuple(matched), tuple(too_far), tuple(several), tuple(no_match)
    )


def _fitting(feature: Feature, areas: list[Area]) -> tuple[list[Area], list[Area]]:
    """Split ``areas`` into those that fit ``feature``'s position and the others.

    An area fits when it lies within the feature's stated uncertainty of its best evidence, or of an
    area that fits: a park's phases adjoin, and the evidence may be a point in one of them.
    """
    if feature.evidence is None or feature.uncertainty_m is None:
        return [], list(areas)
    fit = [area for area in areas if area.metric.distance(feature.evidence.point) <= feature.uncertainty_m]
    rest = [area for area in areas if area not in fit]
    while fit and rest:
        joined = shapely.union_all([area.metric for area in fit])
        near = [area for area in rest if area.metric.distance(joined) <= feature.uncertainty_m]
        if not near:
            break
        fit += near
        rest = [area for area in rest if area not in near]
    return fit, rest


def _refs(areas) -> str:
    return ", ".join(area.ref for area in areas)


def _far_reason(feature: Feature, found: list[tuple[Area, float | None]]) -> str:
    if feature.evidence is None:
        return "the feature has no position evidence to check the areas against: add a record to positions.csv"
    if feature.uncertainty_m is None:
        return "the feature states no position_uncertainty_m to check the areas against"
    nearest = min(distance for _, distance in found)
    return (
        f"nearest lies {nearest:,.0f} m from its evidence '{feature.evidence.record_id}' ({feature.evidence.marks}), "
        f"more than its stated uncertainty of {feature.uncertainty_m:,.0f} m"
    )


def _distance_to_evidence(feature: Feature, metric_geometry) -> float | None:
    return None if feature.evidence is None else float(metric_geometry.distance(feature.evidence.point))


def _match(feature: Feature, areas: tuple[Area, ...], elsewhere: tuple) -> Match:
    outline = shapely.union_all([area.geometry for area in areas])
    metric = gpd.GeoSeries([outline], crs=WEB_CRS).to_crs(METRIC_CRS).iloc[0]
    moved = None if feature.outline is None else float(feature.outline.centroid.distance(metric.centroid))
    evidence_m = _distance_to_evidence(feature, metric)
    return Match(feature, areas, outline, metric.area / 10_000, moved, evidence_m, elsewhere)


def _areas(extract: Extract) -> list[Area]:
    frame = extract.areas
    metric = frame.geometry.to_crs(METRIC_CRS)
    areas = []
    for record, geometry, metric_geometry in zip(frame.itertuples(index=False), frame.geometry, metric, strict=True):
        given = [n for n in dict.fromkeys((record.name, record.name_vi, record.name_en)) if n]
        keys = {name_key(n) for n in given}
        keys |= {without_phase(k) for k in keys}
        areas.append(Area(record.osm_ref, " / ".join(given), record.tagged, geometry, metric_geometry,
                          frozenset(k for k in keys if k)))  # fmt: skip
    return areas


def _name_index(files: DataFiles, layers: list[LayerSpec]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for spec in layers:
        for row in files.table(spec.attributes_file).itertuples(index=False):
            for name in [row.name_vi, row.name_en, *parse.split_list(row.aliases)]:
                if name_key(name):
                    index[name_key(name)].add(row.id)
    return index


def _features(files: DataFiles, layers: list[LayerSpec]) -> dict[str, Feature]:
    evidence = best_evidence(_usable(files.table(POSITIONS_FILE)))
    declared = _declared_areas(files.table(FIGURES_FILE))
    features = {}
    for spec in layers:
        collection = files.collections[spec.geometry_file]
        ids, outlines = [], []
        for row in files.table(spec.attributes_file).itertuples(index=False):
            feature = collection.feature(row.id) or {}
            ids.append((row, feature.get("properties") or {}))
            outlines.append(shape(feature["geometry"]) if feature.get("geometry") else None)
        metric = gpd.GeoSeries(outlines, crs=WEB_CRS).to_crs(METRIC_CRS)
        for (row, properties), outline in zip(ids, metric, strict=True):
            uncertainty = parse.number(str(properties.get("position_uncertainty_m", "")))
            features[row.id] = Feature(
                spec.name, row.id, row.name_vi, outline, uncertainty, evidence.get(row.id), declared.get(row.id)
            )
    return features


def _usable(positions: pd.DataFrame) -> pd.DataFrame:
    # Malformed records are validation's to report; matching uses the ones it can read.
    ok = positions.apply(
        lambda r: None not in (parse.number(r["lon"]), parse.number(r["lat"]), parse.number(r["radius_m"])), axis=1
    )
    return positions[ok] if len(positions) else positions


def _declared_areas(figures: pd.DataFrame) -> dict[str, float]:
    shown = figures[(figures["field"] == "area_ha") & (figures["shown"] == "yes")]
    return {row.feature_id: parse.number(row.value) for row in shown.itertuples(index=False)}


def report_lines(report: Report) -> list[str]:
    """Return the dry run's report, feature by feature, for a person to decide on."""
    lines = [
        f"OpenStreetMap extract {report.extract} (as of {report.as_of}): {report.candidates} named candidate area(s)",
        f"  matched: {len(report.matched)}",
    ]
    for match in report.matched:
        feature = match.feature
        lines.append(f"    {feature.feature_id} ({feature.layer}) {feature.name}")
        for area in match.areas:
            lines.append(f"      {area.ref} '{area.name}' ({area.tagged})")
        declared = "no declared area" if feature.declared_ha is None else f"declared {feature.declared_ha:,.0f} ha"
        share = f" ({match.area_ha / feature.declared_ha - 1:+.0%})" if feature.declared_ha else ""
        moved = "no outline before" if match.moved_m is None else f"the outline moves {match.moved_m:,.0f} m"
        joined = f"; {len(match.areas)} areas joined (phases)" if len(match.areas) > 1 else ""
        lines.append(f"      area {match.area_ha:,.1f} ha, {declared}{share}; {moved}{joined}")
        if match.evidence_m is not None:
            lines.append(
                f"      {match.evidence_m:,.0f} m from its evidence '{feature.evidence.record_id}' "
                f"({feature.evidence.marks}); uncertainty {_metres(feature.uncertainty_m)} → {OSM_UNCERTAINTY_M} m"
            )
        for area, distance in match.elsewhere:
            lines.append(f"      not {area.ref} '{area.name}': {distance:,.0f} m from the evidence, elsewhere")
    for title, refusals in (("too far from the evidence", report.too_far), ("several candidates", report.several)):
        lines.append(f"  {title} (left alone): {len(refusals)}")
        for refusal in refusals:
            feature = refusal.feature
            lines.append(f"    {feature.feature_id} ({feature.layer}) {feature.name}: {refusal.reason}")
            lines += [f"      {area.ref} '{area.name}' ({area.tagged})" for area in refusal.areas]
    lines.append(f"  no match: {len(report.no_match)}")
    lines += [f"    {f.feature_id} ({f.layer}) {f.name}" for f in report.no_match]
    return lines


def _metres(value: float | None) -> str:
    return "not stated" if value is None else f"{value:,.0f} m"
