"""Counts and totals per layer and status, and how well each layer's outlines agree with their position evidence."""

from __future__ import annotations

import pandas as pd

from geo.model.catalog import POSITION_MARKS, STATUSES
from geo.model.dataset import Dataset
from geo.model.files import POSITION_COLUMNS
from geo.pipeline.placement import outline_evidence_distances


def layer_status_totals(dataset: Dataset) -> pd.DataFrame:
    """Return one row per (layer, status): features, declared and measured hectares.

    ``declared_ha`` sums the declared areas that are known; ``area_unknown`` counts the
    features without one, so a total is never mistaken for complete.
    """
    rows = []
    for name, layer in dataset.layers.items():
        gdf = layer.gdf
        for status in STATUSES:
            part = gdf[gdf["status"] == status]
            if part.empty:
                continue
            rows.append(
                {
                    "layer": name,
                    "status": status,
                    "features": len(part),
                    "declared_ha": round(float(part["area_ha"].sum()), 1),
                    "area_unknown": int(part["area_ha"].isna().sum()),
                    "outline_ha": round(float(part["area_computed_ha"].sum()), 1),
                }
            )
    return pd.DataFrame(rows, columns=["layer", "status", "features", "declared_ha", "area_unknown", "outline_ha"])


def position_evidence(dataset: Dataset) -> list[dict]:
    """Return, per layer, how far its geometries lie from their best position evidence and what that evidence is.

    Each entry: ``features``, ``with_evidence``, ``without_evidence`` (ids of the features with no record),
    ``median_distance_m`` and ``worst_distance_m`` (between each geometry and its best evidence, 0 when
    it holds the evidence; None with no evidence), ``worst_feature``, and ``by_marks``: how many features
    rest on each kind of evidence (``POSITION_MARKS``, the best record's kind), most telling first.
    """
    positions = evidence_table(dataset.positions)
    entries = []
    for name, layer in dataset.layers.items():
        measured = outline_evidence_distances(layer.gdf, positions).set_index("feature_id")
        placed = measured.dropna(subset=["distance_m"])
        worst = placed["distance_m"].idxmax() if len(placed) else None
        counts = placed["marks"].value_counts()
        entries.append(
            {
                "layer": name,
                "features": len(measured),
                "with_evidence": len(placed),
                "without_evidence": sorted(measured.index.difference(placed.index)),
                "median_distance_m": round(float(placed["distance_m"].median()), 1) if len(placed) else None,
                "worst_distance_m": round(float(placed.at[worst, "distance_m"]), 1) if worst is not None else None,
                "worst_feature": worst,
                "by_marks": {mark: int(counts[mark]) for mark in POSITION_MARKS if mark in counts.index},
            }
        )
    return entries


def evidence_table(positions: pd.DataFrame) -> pd.DataFrame:
    """Return ``positions`` as the position table, empty with its columns when a data set has none (yet)."""
    if set(POSITION_COLUMNS) <= set(positions.columns):
        return positions
    return pd.DataFrame(columns=POSITION_COLUMNS)
