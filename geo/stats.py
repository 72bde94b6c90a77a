"""Counts and totals per layer and status."""

from __future__ import annotations

import pandas as pd

from geo.catalog import STATUSES
from geo.models import Dataset


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
