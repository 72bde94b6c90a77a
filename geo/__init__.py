"""The geo core: load, validate, join and derive Hải Phòng's industrial layers. No web code here."""

from geo.model.catalog import LAYERS, LayerSpec
from geo.model.dataset import Dataset, Layer
from geo.model.errors import GeoDataError, InvalidData, InvalidQuery, Issue, UnknownFeature, UnknownLayer
from geo.pipeline.build import build_dataset, inspect_dataset

__all__ = [
    "LAYERS", "Dataset", "GeoDataError", "InvalidData", "InvalidQuery", "Issue", "Layer",
    "LayerSpec", "UnknownFeature", "UnknownLayer", "build_dataset", "inspect_dataset",
]  # fmt: skip
