"""The values passed between the pipeline's steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

import geopandas as gpd

# What a layer's features are drawn as: the geometry kind → the GeoJSON types it allows.
GEOMETRY_KINDS: dict[str, tuple[str, ...]] = {
    "polygon": ("Polygon", "MultiPolygon"),  # outlines: zones, parks, ports, ...
    "point": ("Point", "MultiPoint"),  # positions: factories
}


@dataclass(frozen=True)
class LayerSpec:
    """Where a layer's files are and what it holds."""

    name: str  # stable layer id, also the OGC API collection id
    title_en: str
    title_vi: str
    kinds: tuple[str, ...]  # allowed values of the ``kind`` attribute
    geometry: str = "polygon"  # a key of ``GEOMETRY_KINDS``: outlines or point positions

    def __post_init__(self) -> None:
        if self.geometry not in GEOMETRY_KINDS:
            known = ", ".join(GEOMETRY_KINDS)
            raise ValueError(f"layer {self.name}: geometry '{self.geometry}' is not one of: {known}")

    @property
    def geometry_types(self) -> tuple[str, ...]:
        """The GeoJSON geometry types the layer's features may have."""
        return GEOMETRY_KINDS[self.geometry]

    @property
    def geometry_file(self) -> str:
        """File name of the GeoJSON geometry layer (EPSG:4326)."""
        return f"{self.name}.geojson"

    @property
    def attributes_file(self) -> str:
        """File name of the attribute table joined to the geometry by ``id``."""
        return f"{self.name}.csv"


@dataclass(frozen=True)
class Issue:
    """One problem found in the data, located by file, feature and field."""

    severity: str  # "error" stops the load; "warning" is reported only
    file: str
    feature: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.feature is not None:
            where.append(f"feature '{self.feature}'")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{self.severity}: {', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class Layer:
    """A validated, joined and derived layer, ready to serve."""

    spec: LayerSpec
    gdf: gpd.GeoDataFrame  # EPSG:4326, one row per feature, index = feature id

    @cached_property
    def feature_texts(self) -> list[str]:
        """Return each feature as compact GeoJSON text, in layer order: encoded once, on first use."""
        from geo.formats.export import feature_texts  # export builds on the catalog, which builds on this module

        return feature_texts(self.gdf)

    @cached_property
    def property_names(self) -> tuple[str, ...]:
        """Return the features' property names in export order (``geo.formats.export.property_columns``), found once."""
        from geo.formats.export import property_columns

        return tuple(property_columns(self.gdf))


@dataclass(frozen=True)
class Dataset:
    """Every layer of a data directory plus the source register."""

    layers: dict[str, Layer]
    sources: pd.DataFrame  # index = source id
    positions: pd.DataFrame = field(default_factory=pd.DataFrame)  # positions.csv: evidence of where features are
    context: gpd.GeoDataFrame = field(default_factory=gpd.GeoDataFrame)  # context.geojson, EPSG:4326
    city_figures: pd.DataFrame = field(default_factory=pd.DataFrame)  # city-figures.csv: the city as a whole
    issues: list[Issue] = field(default_factory=list)  # warnings left after a successful load

    def layer(self, name: str) -> Layer:
        """Return the layer called ``name`` or raise ``UnknownLayer``."""
        from geo.model.errors import UnknownLayer

        try:
            return self.layers[name]
        except KeyError:
            known = ", ".join(self.layers)
            raise UnknownLayer(f"no layer '{name}'; the layers are: {known}") from None

    def find_feature(self, feature_id: str) -> tuple[Layer, pd.Series]:
        """Return the layer and row of the feature with id ``feature_id``."""
        from geo.model.errors import UnknownFeature

        for layer in self.layers.values():
            if feature_id in layer.gdf.index:
                return layer, layer.gdf.loc[feature_id]
        raise UnknownFeature(f"no feature with id '{feature_id}'")
