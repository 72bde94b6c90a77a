"""Checks on the loaded frames. Each returns a list of ``Issue``; none modifies its input.

Messages say what is wrong, where (file, feature, field), the value found and how to fix it.
"""

from __future__ import annotations

import re

import pandas as pd

import geopandas as gpd
from shapely.validation import explain_validity

from geo.model import parse
from geo.model.catalog import (
    CITY_FIELDS,
    CONTACT_ROLES,
    FIGURE_FIELDS,
    FORMER_PROVINCES,
    GEOMETRY_QUALITIES,
    REGION,
    REGION_BOUNDS,
    SOURCE_KINDS,
    STATUSES,
    VERIFIED,
    WEB_CRS,
    FigureField,
    LayerSpec,
)
from geo.model.errors import Issue
from geo.model.files import CITY_FIGURES_FILE, CONTACTS_FILE

LANGUAGE_CODE = re.compile(r"[a-z]{2}")  # ISO 639-1
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
CONTACT_MEANS = ("website", "phone", "email", "address")  # a contact row gives at least one


def validate_geometry(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> list[Issue]:
    """Check CRS, ids, geometry (of the layer's kind: outlines or points) and its quality label in a geometry file."""
    file = spec.geometry_file
    if gdf.crs is None:
        return [Issue("error", file, None, None, "missing CRS: set it to EPSG:4326 (GeoJSON lon/lat)")]
    if gdf.crs != WEB_CRS:
        return [Issue("error", file, None, None, f"wrong CRS {gdf.crs.to_string()}: reproject to EPSG:4326")]
    issues = _check_ids(gdf["id"], file)
    for feature_id, quality, geometry in zip(gdf["id"], gdf["geometry_quality"], gdf.geometry, strict=True):
        label = feature_id or "(no id)"
        issues += _check_geometry(geometry, spec, label)
        if quality not in GEOMETRY_QUALITIES:
            allowed = ", ".join(GEOMETRY_QUALITIES)
            issues.append(Issue("error", file, label, "geometry_quality", f"'{quality}' is not one of: {allowed}"))
    return issues


_WHAT_TO_DRAW = {  # LayerSpec.geometry → what a feature of such a layer needs, in a message
    "polygon": "draw the feature's outline (a Polygon or MultiPolygon)",
    "point": "place the feature's position (a Point or MultiPoint)",
}
_WHAT_IT_HOLDS = {"polygon": "outlines", "point": "positions"}


def _check_geometry(geometry, spec: LayerSpec, label: str) -> list[Issue]:
    def error(message: str) -> list[Issue]:
        return [Issue("error", spec.geometry_file, label, "geometry", message)]

    if geometry is None:
        return error(f"no geometry: {_WHAT_TO_DRAW[spec.geometry]}")
    if geometry.is_empty:
        return error(f"empty geometry: {_WHAT_TO_DRAW[spec.geometry]}")
    if geometry.geom_type not in spec.geometry_types:
        held = " or ".join(spec.geometry_types)
        return error(f"{geometry.geom_type} found; the {spec.name} layer holds {held} {_WHAT_IT_HOLDS[spec.geometry]}")
    minx, miny, maxx, maxy = geometry.bounds
    if max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90:
        return error(
            f"coordinates ({minx:.0f}, {miny:.0f}) are not longitude/latitude degrees; "
            "the file looks projected: reproject it to EPSG:4326"
        )
    if not geometry.is_valid:
        return error(
            f"invalid geometry ({explain_validity(geometry)}); repair it, e.g. with "
            "shapely.make_valid or QGIS 'Fix geometries'"
        )
    if not REGION.contains(geometry):
        lon0, lat0, lon1, lat1 = REGION_BOUNDS
        return error(
            f"lies outside the Hải Phòng region (lon {lon0}–{lon1}, lat {lat0}–{lat1}); "
            f"its bounds are {minx:.3f}, {miny:.3f}, {maxx:.3f}, {maxy:.3f}. "
            "Check the coordinate order: GeoJSON is longitude first"
        )
    return []


def _check_ids(ids: pd.Series, file: str) -> list[Issue]:
    issues = []
    for position, feature_id in enumerate(ids):
        if not feature_id:
            issues.append(Issue("error", file, f"#{position}", "id", "missing id: give the feature a slug id"))
        elif not parse.SLUG.match(feature_id):
            issues.append(
                Issue(
                    "error",
                    file,
                    feature_id,
                    "id",
                    "not a slug: use lower-case letters, digits and single hyphens (kcn-trang-due)",
                )
            )
    for feature_id in sorted(set(ids[ids.duplicated() & (ids != "")])):
        issues.append(Issue("error", file, feature_id, "id", "duplicate id: ids must be unique across all layers"))
    return issues


def validate_attributes(table: pd.DataFrame, spec: LayerSpec, source_ids: set[str]) -> list[Issue]:
    """Check ids, names, vocabularies, dates and source references of an attribute table."""
    file = spec.attributes_file
    issues = _check_ids(table["id"], file)
    for row in table.itertuples(index=False):
        label = row.id or "(no id)"
        issues += [Issue("error", file, label, field, message) for field, message in _row_problems(row, spec)]
        issues += _check_source_refs(row.sources, file, label, source_ids)
    return issues


def _row_problems(row, spec: LayerSpec) -> list[tuple[str, str]]:
    problems = []
    if not row.name_vi:
        problems.append(("name_vi", "empty: every feature needs its Vietnamese name, with diacritics"))
    if not row.name_en:
        problems.append(("name_en", "empty: every feature needs an English name"))
    if row.kind not in spec.kinds:
        problems.append(("kind", f"'{row.kind}' is not a kind of this layer ({', '.join(spec.kinds)})"))
    if row.status not in STATUSES:
        problems.append(("status", f"'{row.status}' is not one of: {', '.join(STATUSES)}"))
    if not parse.is_date(row.status_as_of):
        problems.append(("status_as_of", f"malformed date '{row.status_as_of}': write YYYY, YYYY-MM or YYYY-MM-DD"))
    if row.former_province not in FORMER_PROVINCES:
        problems.append(("former_province", f"'{row.former_province}' is not one of: {', '.join(FORMER_PROVINCES)}"))
    return problems


def _check_source_refs(cell: str, file: str, label: str, source_ids: set[str]) -> list[Issue]:
    refs = parse.source_refs(cell)
    if not refs:
        return [Issue("error", file, label, "sources", "no source: list at least one as 'source-id@YYYY-MM'")]
    issues = []
    for source_id, as_of in refs:
        if source_id not in source_ids:
            issues.append(
                Issue("error", file, label, "sources", f"unknown source '{source_id}': add it to sources.csv")
            )
        if not parse.is_date(as_of):
            issues.append(
                Issue(
                    "error",
                    file,
                    label,
                    "sources",
                    f"source '{source_id}' has malformed date '{as_of}': write id@YYYY, id@YYYY-MM or id@YYYY-MM-DD",
                )
            )
    return issues


def validate_references(table: pd.DataFrame, spec: LayerSpec, zone_ids: set[str], all_ids: set[str]) -> list[Issue]:
    """Check that ``zone_id`` names an economic zone and ``parent_id`` a known feature."""
    issues = []
    for row in table.itertuples(index=False):
        if row.zone_id and row.zone_id not in zone_ids:
            issues.append(
                Issue("error", spec.attributes_file, row.id, "zone_id", f"'{row.zone_id}' is not an economic zone id")
            )
        if row.parent_id and row.parent_id not in all_ids:
            issues.append(
                Issue("error", spec.attributes_file, row.id, "parent_id", f"'{row.parent_id}' is not a feature id")
            )
    return issues


def validate_join(gdf: gpd.GeoDataFrame, table: pd.DataFrame, spec: LayerSpec) -> list[Issue]:
    """Check that every geometry has attributes and every attribute row has a geometry."""
    geometry_ids, table_ids = set(gdf["id"]) - {""}, set(table["id"]) - {""}
    issues = [
        Issue(
            "error",
            spec.geometry_file,
            feature_id,
            "id",
            f"geometry with no attributes: add a row for it to {spec.attributes_file} or remove it",
        )
        for feature_id in sorted(geometry_ids - table_ids)
    ]
    issues += [
        Issue(
            "error",
            spec.attributes_file,
            feature_id,
            "id",
            f"attributes with no geometry: add its outline to {spec.geometry_file} or remove the row",
        )
        for feature_id in sorted(table_ids - geometry_ids)
    ]
    return issues


def validate_figures(figures: pd.DataFrame, feature_ids: set[str], source_ids: set[str]) -> list[Issue]:
    """Check every figure: known feature and field, a number in range, a date, a source."""
    issues = []
    for row in figures.itertuples(index=False):
        label = row.feature_id or "(no feature id)"

        def error(message: str, row=row, label=label) -> None:
            issues.append(Issue("error", "figures.csv", label, row.field or "(no field)", message))

        if row.feature_id not in feature_ids:
            error("unknown feature id: the figure must belong to a feature of a layer")
        spec = FIGURE_FIELDS.get(row.field)
        if spec is None:
            error(f"unknown field; known fields: {', '.join(FIGURE_FIELDS)}")
        else:
            _check_value(row.value, spec, error)
        if row.as_of and not parse.is_date(row.as_of):
            error(f"malformed date '{row.as_of}' in as_of: write the date the figure describes (YYYY[-MM[-DD]])")
        elif not row.as_of and not row.note:
            error("no as_of date: write the date the figure describes, or say in the note why no source dates it")
        refs = row.sources.split()
        if not refs:
            error("a figure without a source: name at least one source id from sources.csv")
        for ref in refs:
            if ref not in source_ids:
                error(f"unknown source '{ref}': add it to sources.csv")
        if row.shown not in ("yes", "no"):
            error(f"shown is '{row.shown}'; write yes or no")
        if row.verified not in VERIFIED:
            error(
                f"verified is '{row.verified}'; write yes (each listed source states the value) "
                "or no (one of them does, not known which)"
            )
    return issues + _check_one_shown(figures)


def validate_city_figures(figures: pd.DataFrame, source_ids: set[str]) -> list[Issue]:
    """Check every city figure: a known field in its unit, a number in range, a date, known sources, one shown."""
    issues = []
    for row in figures.itertuples(index=False):

        def error(message: str, row=row) -> None:
            issues.append(Issue("error", CITY_FIGURES_FILE, row.field or "(no field)", "value", message))

        spec = CITY_FIELDS.get(row.field)
        if spec is None:
            error(f"unknown city field '{row.field}'; known fields: {', '.join(CITY_FIELDS)}")
        else:
            if row.unit != spec.unit:
                error(f"unit '{row.unit}': {row.field} is counted in {spec.unit}")
            _check_value(row.value, FigureField(spec.unit, 0, spec.maximum), error)
        if not parse.is_date(row.as_of):
            error(f"date '{row.as_of}' in as_of: write the date the figure describes (YYYY[-MM[-DD]])")
        refs = row.sources.split()
        if not refs:
            error("a figure without a source: name at least one source id from sources.csv")
        issues.extend(
            Issue("error", CITY_FIGURES_FILE, row.field, "sources", f"unknown source '{ref}': add it to sources.csv")
            for ref in refs
            if ref not in source_ids
        )
        if row.shown not in ("yes", "no"):
            error(f"shown is '{row.shown}'; write yes or no")
        if row.verified not in VERIFIED:
            error(f"verified is '{row.verified}'; write yes or no")
    for field_name, group in figures.groupby("field", sort=True):
        shown = int((group["shown"] == "yes").sum())
        if shown != 1:
            message = f"{shown} values marked shown=yes; mark exactly one of the {len(group)} values"
            issues.append(Issue("error", CITY_FIGURES_FILE, field_name, "shown", message))
    return issues


def validate_contacts(contacts: pd.DataFrame, feature_ids: set[str], source_ids: set[str]) -> list[Issue]:
    """Check every contact: a known feature and role, a name, a way to reach it, a web address, sources, a date."""
    issues = []
    for row in contacts.itertuples(index=False):

        def error(field: str, message: str, row=row) -> None:
            issues.append(Issue("error", CONTACTS_FILE, row.feature_id or "(no feature id)", field, message))

        if row.feature_id not in feature_ids:
            error("feature_id", "unknown feature id: a contact must belong to a feature of a layer")
        if row.role not in CONTACT_ROLES:
            error("role", f"'{row.role}' is not one of: {', '.join(CONTACT_ROLES)}")
        if not row.name:
            error("name", "empty: name the developer or board the contact reaches")
        if not any(getattr(row, means) for means in CONTACT_MEANS):
            error("website", f"no way to reach it: give at least one of {', '.join(CONTACT_MEANS)}")
        if row.website and not parse.is_web_address(row.website):
            error("website", f"'{row.website}' is not a web address: write it in full, with http:// or https://")
        if row.email and not EMAIL.fullmatch(row.email):
            error("email", f"'{row.email}' is not an e-mail address")
        if row.as_of and not parse.is_date(row.as_of):
            error("as_of", f"malformed date '{row.as_of}': write the date the contact describes (YYYY[-MM[-DD]])")
        elif not row.as_of and not row.note:
            error("as_of", "no as_of date: write the date the contact describes, or say in the note why none is known")
        refs = row.sources.split()
        if not refs:
            error("sources", "a contact without a source: name the source ids (sources.csv) that state it")
        for ref in refs:
            if ref not in source_ids:
                error("sources", f"unknown source '{ref}': add it to sources.csv")
    return issues


def _check_value(text: str, spec, error) -> None:
    value = parse.number(text)
    if value is None:
        error(f"value '{text}' is not a number")
    elif value < 0 and spec.minimum >= 0:
        error(f"negative value {text} {spec.unit}: figures of this field cannot be negative")
    elif value < spec.minimum or (spec.maximum is not None and value > spec.maximum):
        error(f"value {text} is outside {spec.minimum:g}–{spec.maximum:g} {spec.unit}")
    elif spec.integer and not value.is_integer():
        error(f"value {text} must be a whole number")


def _check_one_shown(figures: pd.DataFrame) -> list[Issue]:
    issues = []
    for (feature_id, field), group in figures.groupby(["feature_id", "field"], sort=True):
        shown = int((group["shown"] == "yes").sum())
        if shown != 1:
            issues.append(
                Issue(
                    "error",
                    "figures.csv",
                    feature_id,
                    field,
                    f"{shown} values marked shown=yes; mark exactly one of the {len(group)} values",
                )
            )
    return issues


def validate_sources(sources: pd.DataFrame) -> list[Issue]:
    """Check the source register: unique ids, a location for each, dates well formed."""
    issues = []
    for source_id in sorted(set(sources["id"][sources["id"].duplicated()])):
        issues.append(Issue("error", "sources.csv", source_id, "id", "duplicate source id"))
    issues += _same_location_twice(sources)
    for row in sources.itertuples(index=False):
        if not row.id:
            issues.append(Issue("error", "sources.csv", "(no id)", "id", "missing source id"))
        if not row.location:
            issues.append(
                Issue(
                    "error",
                    "sources.csv",
                    row.id,
                    "location",
                    "empty: name the file in shared/sources/ or the web address",
                )
            )
        if row.published and not parse.is_date(row.published):
            issues.append(Issue("error", "sources.csv", row.id, "published", f"malformed date '{row.published}'"))
        if row.kind not in SOURCE_KINDS:
            message = f"unknown kind '{row.kind}'; use one of {', '.join(SOURCE_KINDS)}"
            issues.append(Issue("error", "sources.csv", row.id, "kind", message))
        if row.language and not LANGUAGE_CODE.fullmatch(row.language):
            message = f"'{row.language}' is not a two-letter language code (vi, en, ...)"
            issues.append(Issue("error", "sources.csv", row.id, "language", message))
    return issues


def _same_location_twice(sources: pd.DataFrame) -> list[Issue]:
    """Warn of a page registered under two ids: its figures then look like two sources agreeing."""
    issues = []
    first_id: dict[str, str] = {}
    for row in sources.itertuples(index=False):
        location = row.location.strip()
        if not location or not row.id:
            continue
        if location in first_id and first_id[location] != row.id:
            message = f"the same location as source '{first_id[location]}': cite one id for one document"
            issues.append(Issue("warning", "sources.csv", row.id, "location", message))
        first_id.setdefault(location, row.id)
    return issues
