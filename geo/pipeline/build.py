"""The whole pipeline: load → validate → join → derive, for every layer of a data directory or database."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

import geopandas as gpd

from geo.model.catalog import ECONOMIC_ZONE_KIND, LAYERS, TRANSLATED_ATTRIBUTES, LayerSpec
from geo.model.dataset import Dataset, Layer
from geo.model.errors import InvalidData, Issue
from geo.model.files import (
    CITY_FIGURES_FILE,
    CONTACTS_FILE,
    CONTEXT_FILE,
    FIGURES_FILE,
    POSITIONS_FILE,
    TRANSLATED_GEOMETRY_TEXT,
    TRANSLATED_TEXT,
)
from geo.pipeline import derive, derived_checks, join, placement, translations, validate
from geo.pipeline.read import DataSource, FileSource


def as_source(source: DataSource | Path | str) -> DataSource:
    """Return ``source``, reading a path as a data directory."""
    return FileSource(Path(source)) if isinstance(source, (str, Path)) else source


def build_dataset(source: DataSource | Path | str, specs: tuple[LayerSpec, ...] = LAYERS) -> Dataset:
    """Load, validate, join and derive every layer of ``source``: a data directory or a ``DataSource``.

    Raises
    ------
    InvalidData
        When any file has an error; ``issues`` names each file, feature and field.
    """
    dataset, issues = inspect_dataset(source, specs)
    if dataset is None:
        raise InvalidData(issues)
    return dataset


def inspect_dataset(
    source: DataSource | Path | str, specs: tuple[LayerSpec, ...] = LAYERS
) -> tuple[Dataset | None, list[Issue]]:
    """Return the dataset (None when there are errors) and every issue found, warnings included.

    ``source`` is a data directory or a ``DataSource``; issues name the file (or the table
    that mirrors it, for a database), the feature and the field.
    """
    source = as_source(source)
    dataset, issues = _inspect(source, specs)
    issues = [dataclasses.replace(issue, file=source.locate(issue.file)) for issue in issues]
    if dataset is not None:
        dataset = dataclasses.replace(dataset, issues=issues)
    return dataset, issues


def _inspect(source: DataSource, specs: tuple[LayerSpec, ...]) -> tuple[Dataset | None, list[Issue]]:
    sources, issues = source.read_sources()
    issues += validate.validate_sources(sources)
    figures, figure_issues = source.read_figures()
    issues += figure_issues
    source_ids = set(sources["id"])

    raw: dict[str, tuple[gpd.GeoDataFrame, pd.DataFrame]] = {}
    for spec in specs:
        geometry, geometry_issues = source.read_geometry(spec)
        table, table_issues = source.read_attributes(spec)
        issues += geometry_issues + table_issues
        issues += validate.validate_geometry(geometry, spec)
        issues += validate.validate_attributes(table, spec, source_ids)
        issues += validate.validate_join(geometry, table, spec)
        issues += _check_translated_layer(geometry, table, spec)
        raw[spec.name] = (geometry, table)

    issues += _check_cross_layer(raw, specs)
    all_ids = {feature_id for _, table in raw.values() for feature_id in table["id"]}
    issues += validate.validate_figures(figures, all_ids, source_ids)
    positions, position_issues = source.read_positions()
    context, context_issues = source.read_context()
    issues += position_issues + context_issues
    issues += placement.validate_positions(positions, all_ids, source_ids)
    issues += placement.validate_context(context, source_ids)
    city_figures, city_issues = source.read_city_figures()
    issues += city_issues + validate.validate_city_figures(city_figures, source_ids)
    contacts, contact_issues = source.read_contacts()
    issues += contact_issues + validate.validate_contacts(contacts, all_ids, source_ids)
    tables = {FIGURES_FILE: figures, POSITIONS_FILE: positions, CITY_FIGURES_FILE: city_figures,
              CONTACTS_FILE: contacts, CONTEXT_FILE: context}  # fmt: skip
    for file_name, table in tables.items():
        issues += translations.check_translations(table, file_name, TRANSLATED_TEXT[file_name])
    if any(issue.severity == "error" for issue in issues):
        return None, issues
    # Every table the pages read offers its Vietnamese twins, empty where the files have none.
    figures = join.with_translations(figures, TRANSLATED_TEXT[FIGURES_FILE])
    positions = join.with_translations(positions, TRANSLATED_TEXT[POSITIONS_FILE])
    city_figures = join.with_translations(city_figures, TRANSLATED_TEXT[CITY_FIGURES_FILE])
    contacts = join.with_translations(contacts, TRANSLATED_TEXT[CONTACTS_FILE])

    layers = _join_and_derive(raw, specs, figures, contacts, sources)
    for spec in specs:
        issues += derived_checks.check_derived(layers[spec.name].gdf, spec)
    issues += _check_points_in_parents(layers)
    issues += _check_placement(layers, positions, context)
    dataset = Dataset(
        layers=layers,
        sources=sources.set_index("id", drop=False),
        positions=positions,
        context=context,
        city_figures=city_figures,
        issues=issues,
    )
    return dataset, issues


_PLACEMENT_COLUMNS = ["position_uncertainty_m", "commune_2025", "parent_id", "kind"]


def _check_translated_layer(geometry: gpd.GeoDataFrame, table: pd.DataFrame, spec: LayerSpec) -> list[Issue]:
    issues = translations.check_translations(table, spec.attributes_file, TRANSLATED_ATTRIBUTES)
    issues += translations.check_list_twins(table, spec.attributes_file, "sectors")
    return issues + translations.check_translations(geometry, spec.geometry_file, TRANSLATED_GEOMETRY_TEXT)


def _check_placement(layers: dict[str, Layer], positions, context) -> list[Issue]:
    outlines = [layer for layer in layers.values() if layer.spec.geometry == "polygon"]
    if not outlines:
        return []
    frame = pd.concat([layer.gdf[[*_PLACEMENT_COLUMNS, "geometry"]] for layer in outlines])
    file_of = {feature_id: layer.spec.geometry_file for layer in outlines for feature_id in layer.gdf.index}
    return placement.check_outlines(gpd.GeoDataFrame(frame, crs=outlines[0].gdf.crs), positions, context, file_of)


def _check_cross_layer(raw: dict, specs: tuple[LayerSpec, ...]) -> list[Issue]:
    issues, seen = [], {}
    for spec in specs:
        for feature_id in raw[spec.name][1]["id"]:
            if feature_id in seen and seen[feature_id] != spec.name:
                issues.append(
                    Issue(
                        "error",
                        spec.attributes_file,
                        feature_id,
                        "id",
                        f"id also used in layer '{seen[feature_id]}': ids must be unique across layers",
                    )
                )
            seen.setdefault(feature_id, spec.name)
    zone_ids = set()
    if "economic-zones" in raw:
        zones_table = raw["economic-zones"][1]
        zone_ids = set(zones_table["id"][zones_table["kind"] == ECONOMIC_ZONE_KIND])
    for spec in specs:
        issues += validate.validate_references(raw[spec.name][1], spec, zone_ids, set(seen))
    return issues


def _check_points_in_parents(layers: dict[str, Layer]) -> list[Issue]:
    points = [layer for layer in layers.values() if layer.spec.geometry == "point" and not layer.gdf.empty]
    if not points:
        return []
    outlines = {
        feature_id: geometry
        for layer in layers.values()
        if layer.spec.geometry == "polygon"
        for feature_id, geometry in layer.gdf.geometry.items()
    }
    check = derived_checks.check_positions_in_parents
    return [issue for layer in points for issue in check(layer.gdf, layer.spec, outlines)]


def _join_and_derive(raw, specs, figures, contacts, sources) -> dict[str, Layer]:
    frames = {}
    for spec in specs:
        geometry, table = raw[spec.name]
        gdf = join.attach_attributes(geometry, table)
        gdf = join.attach_figures(gdf, figures)
        gdf = join.attach_contacts(gdf, contacts)
        gdf = join.attach_sources(gdf, sources)
        frames[spec.name] = derive.add_area_and_centroid(gdf)

    zones = frames.get("economic-zones")
    zones = derive.economic_zones(zones) if zones is not None else gpd.GeoDataFrame()
    points = derive.key_points(frames)
    uncertainties = derive.key_point_uncertainties(frames)
    layers = {}
    for spec in specs:
        gdf = derive.add_zone_membership(frames[spec.name], zones)
        gdf = derive.add_distances(gdf, points, uncertainties)
        gdf = derive.add_free_land(gdf)
        layers[spec.name] = Layer(spec=spec, gdf=gdf)
    return layers
