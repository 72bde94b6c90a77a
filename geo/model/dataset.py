"""The values passed between the pipeline's steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

import geopandas as gpd

from geo.model.catalog import LayerSpec
from geo.model.errors import Issue, UnknownFeature, UnknownLayer
from geo.model.features import feature_texts, property_columns


@dataclass(frozen=True)
class Layer:
    """A validated, joined and derived layer, ready to serve."""

    spec: LayerSpec
    gdf: gpd.GeoDataFrame  # EPSG:4326, one row per feature, index = feature id

    @cached_property
    def feature_texts(self) -> list[str]:
        """Return each feature as compact GeoJSON text, in layer order: encoded once, on first use."""
        return feature_texts(self.gdf)

    @cached_property
    def property_names(self) -> tuple[str, ...]:
        """Return the features' property names in export order (``features.property_columns``), found once."""
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
        try:
            return self.layers[name]
        except KeyError:
            known = ", ".join(self.layers)
            raise UnknownLayer(f"no layer '{name}'; the layers are: {known}") from None

    def find_feature(self, feature_id: str) -> tuple[Layer, pd.Series]:
        """Return the layer and row of the feature with id ``feature_id``."""
        for layer in self.layers.values():
            if feature_id in layer.gdf.index:
                return layer, layer.gdf.loc[feature_id]
        raise UnknownFeature(f"no feature with id '{feature_id}'")
