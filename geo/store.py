"""Where the OGC API's items come from: the data set in memory, or PostGIS (``geo.pgstore``).

A ``FeatureStore`` answers the two feature queries of OGC API – Features: a page of a
collection's items (``items``) and one item (``item``), as GeoJSON Feature dicts. Both stores
give the same features, with the same properties in the same order, as ``geo.export.to_geojson``.

A query with a ``zoom`` gets its page's geometries simplified by GEOS' topology-preserving
simplifier in both stores (shapely's for the files, PostGIS' ``ST_SimplifyPreserveTopology``):
identical wherever both link the same GEOS release. GEOS 3.12 started removing a ring's first
vertex when it lies within the tolerance (libgeos/geos#784), which 3.11 always keeps; so with
different releases, a simplified ring may differ by such vertices; either result is valid, keeps
every ring and lies close to the stored geometry (tests/test_simplify.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from geo.export import to_geojson
from geo.models import Dataset
from geo.query import FeatureQuery, Paging, run_query


@dataclass(frozen=True)
class FeaturePage(Paging):
    """One page of the features matching a query, as GeoJSON Feature dicts."""

    features: list[dict]  # in layer order
    number_matched: int  # features matching the query, on every page
    offset: int
    limit: int


class FeatureStore(Protocol):
    """The features of every collection, queried the OGC API way."""

    def items(self, collection: str, query: FeatureQuery) -> FeaturePage:
        """Return the page of ``collection``'s features that ``query`` selects.

        With ``query.zoom``, the page's geometries are simplified for that zoom level
        (``geo.query.simplify_tolerance``). Raises ``UnknownLayer`` for an unknown collection and
        ``InvalidQuery`` for a filter on a property the collection does not have, a non-number for a
        numeric property, or a zoom outside 0..22.
        """

    def item(self, collection: str, feature_id: str) -> dict | None:
        """Return one feature of ``collection`` as a GeoJSON Feature, or None when it has no such feature."""

    def close(self) -> None:
        """Release what the store holds (connections)."""


@dataclass(frozen=True)
class FileStore:
    """The features of a data set held in memory (built from the data directory)."""

    dataset: Dataset

    def items(self, collection: str, query: FeatureQuery) -> FeaturePage:
        """Return the page selected by ``query``, found with ``geo.query.run_query``."""
        page = run_query(self.dataset.layer(collection).gdf, query)
        features = to_geojson(page.features)["features"]
        return FeaturePage(features, page.number_matched, page.offset, page.limit)

    def item(self, collection: str, feature_id: str) -> dict | None:
        """Return the feature ``feature_id`` of ``collection``, or None."""
        gdf = self.dataset.layer(collection).gdf
        if feature_id not in gdf.index:
            return None
        return to_geojson(gdf.loc[[feature_id]])["features"][0]

    def close(self) -> None:
        """Hold nothing to release."""
