"""Where the OGC API's items come from: the data set in memory, or PostGIS (``geo.postgis.store``).

A ``FeatureStore`` answers the two feature queries of OGC API – Features: a page of a
collection's items (``items``) and one item (``item``), as GeoJSON Feature dicts. Both stores
give the same features, with the same properties in the same order, as ``geo.model.features.to_geojson``,
encoded as JSON text. It also counts the features an items query selects in the cells of a grid
for a web map's zoom level (``clusters``, ``geo.stores.clusters``), identically in both stores.

A query with a ``zoom`` gets its page's geometries simplified by GEOS' topology-preserving
simplifier in both stores (shapely's for the files, PostGIS' ``ST_SimplifyPreserveTopology``):
identical wherever both link the same GEOS release. GEOS 3.12 started removing a ring's first
vertex when it lies within the tolerance (libgeos/geos#784), which 3.11 always keeps; so with
different releases, a simplified ring may differ by such vertices; either result is valid, keeps
every ring and lies close to the stored geometry (tests/test_simplify.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol

from shapely.geometry import mapping

from geo.model.dataset import Dataset, Layer
from geo.model.features import compact_json, json_value
from geo.stores.clusters import Clusters, bin_points, cell_size, representative_points
from geo.stores.query import (
    FeatureQuery,
    Paging,
    page_positions,
    selected_positions,
    simplified_geometries,
    simplify_tolerance,
)

PROPERTIES_KEY = ',"properties":'  # where a feature's text turns to its properties (the last member)


@dataclass(frozen=True)
class FeaturePage(Paging):
    """One page of the features matching a query, each a GeoJSON Feature as compact JSON text.

    Text, not dicts: the API splices the features into its response as they are, so a page costs
    no decoding and re-encoding in Python (the files store encodes every feature once, at start;
    PostGIS builds the text in SQL).
    """

    feature_texts: list[str]  # in layer order
    number_matched: int  # features matching the query, on every page
    offset: int
    limit: int

    @property
    def features(self) -> list[dict]:
        """Return the page's features decoded, as GeoJSON Feature dicts."""
        return [json.loads(text) for text in self.feature_texts]

    @property
    def number_returned(self) -> int:
        """Return how many features this page holds."""
        return len(self.feature_texts)


class FeatureStore(Protocol):
    """The features of every collection, queried the OGC API way."""

    def items(self, collection: str, query: FeatureQuery) -> FeaturePage:
        """Return the page of ``collection``'s features that ``query`` selects.

        With ``query.zoom``, the page's geometries are simplified for that zoom level
        (``geo.stores.query.simplify_tolerance``); with ``query.properties``, each feature carries those of
        its properties only, in the order asked (names the caller checked). Raises ``UnknownLayer``
        for an unknown collection and ``InvalidQuery`` for a filter on a property the collection does
        not have, a non-number for a numeric property, or a zoom outside 0..22.
        """

    def item_text(self, collection: str, feature_id: str) -> str | None:
        """Return one feature of ``collection`` as GeoJSON Feature text, or None when it has no such feature.

        Raises ``UnknownLayer`` for an unknown collection.
        """

    def clusters(self, collection: str, query: FeatureQuery, zoom: int) -> Clusters:
        """Return the features of ``collection`` that ``query`` selects, counted in the grid cells for ``zoom``.

        ``query``'s bbox and filters select as for ``items``; its paging and zoom are ignored. Each
        feature counts in the cell of its representative point (``geo.stores.clusters``). Raises
        ``UnknownLayer`` and ``InvalidQuery`` as ``items`` does, and ``InvalidQuery`` for a zoom
        outside 0..22 or an answer of more than ``geo.stores.clusters.MAX_CELLS`` cells.
        """

    def item(self, collection: str, feature_id: str) -> dict | None:
        """Return one feature of ``collection`` as a GeoJSON Feature dict, or None (``item_text`` decoded)."""

    def close(self) -> None:
        """Release what the store holds (connections)."""


class LayerTexts:
    """One layer's features as GeoJSON text, and the parts a page is spliced from when it asks for less.

    A feature's text is encoded once (``Layer.feature_texts``); a page with some properties only, or
    with outlines simplified for a zoom, joins the parts it needs: the text before the properties (or
    the simplified geometry's), and each asked property's value, encoded once per column on first
    use (at most one copy of the layer's properties, however many selections are asked for).
    Nothing is decoded and encoded again per request.
    """

    def __init__(self, layer: Layer):
        self._layer = layer
        self.full = layer.feature_texts
        # The first match: before the properties come only the type, the id and the geometry (no such key).
        self._cuts = [text.index(PROPERTIES_KEY) + len(PROPERTIES_KEY) for text in self.full]
        self._values: dict[str, list[str]] = {}  # property name -> each feature's value as JSON text

    def page(self, positions, properties: tuple[str, ...] | None, geometries: list[str] | None) -> list[str]:
        """Return the features at ``positions`` as text: with only ``properties`` (None: all), with ``geometries``
        (each GeoJSON text, in the same order; None: as stored)."""
        full, cuts = self.full, self._cuts
        if properties is None and geometries is None:
            return [full[position] for position in positions]
        if geometries is None:
            heads = [full[position][: cuts[position]] for position in positions]
        else:
            ids = self._layer.gdf.index
            heads = [
                '{"type":"Feature","id":' + compact_json(ids[position]) + ',"geometry":' + geometry + PROPERTIES_KEY
                for position, geometry in zip(positions, geometries, strict=True)
            ]
        if properties is None:
            return [head + full[position][cuts[position] :] for head, position in zip(heads, positions, strict=True)]
        columns = [(compact_json(name) + ":", self._column(name)) for name in properties]
        return [
            head + "{" + ",".join([key + values[position] for key, values in columns]) + "}}"
            for head, position in zip(heads, positions, strict=True)
        ]

    def prepare(self, names) -> None:
        """Encode the values of the properties ``names`` now (before a server forks), not on first use."""
        for name in names:
            self._column(name)

    def _column(self, name: str) -> list[str]:
        values = self._values.get(name)
        if values is None:
            # As geo.model.features.to_geojson encodes them; equal texts (nulls, statuses) kept once.
            seen: dict[str, str] = {}
            values = [
                seen.setdefault(text, text)
                for text in map(compact_json, map(json_value, self._layer.gdf[name].tolist()))
            ]
            self._values[name] = values
        return values


def geometry_texts(geometries) -> list[str]:
    """Return each shapely geometry (or None) as GeoJSON text, as ``geo.model.features.to_geojson`` encodes it."""
    return ["null" if geometry is None else compact_json(mapping(geometry)) for geometry in geometries]


class FileStore:
    """The features of a data set held in memory (built from the data directory).

    Every feature is encoded as GeoJSON text once, here: a page is then a spatial-index lookup and
    a list of ready texts (``LayerTexts``). Only the outlines of a page simplified for a zoom level
    are encoded again (they change), at a cost bounded by the limit.
    """

    in_memory = True  # a feature by id is a dict lookup already: nothing for a cache in front to save

    def __init__(self, dataset: Dataset, properties: dict[str, tuple[str, ...]] | None = None):
        """``properties``: per layer, the selection clients are expected to ask for: its values are encoded now."""
        self.dataset = dataset
        self._positions = {
            name: {feature_id: position for position, feature_id in enumerate(layer.gdf.index)}
            for name, layer in dataset.layers.items()
        }
        self._points = {name: representative_points(layer.gdf) for name, layer in dataset.layers.items()}
        self._ids = {name: layer.gdf.index.to_numpy(dtype=object) for name, layer in dataset.layers.items()}
        self._texts = {name: LayerTexts(layer) for name, layer in dataset.layers.items()}  # encodes every feature
        for name, layer in dataset.layers.items():
            layer.gdf.sindex  # noqa: B018 -- built now, not by the first request
            self._texts[name].prepare([n for n in (properties or {}).get(name, ()) if n in layer.property_names])

    def items(self, collection: str, query: FeatureQuery) -> FeaturePage:
        """Return the page selected by ``query`` (as ``geo.stores.query.run_query`` selects it)."""
        layer = self.dataset.layer(collection)
        page, number_matched = page_positions(layer.gdf, query)
        geometries = None
        if query.zoom is not None:
            stored = layer.gdf.geometry.to_numpy()[page]
            geometries = geometry_texts(simplified_geometries(stored, simplify_tolerance(query.zoom)))
        texts = self._texts[collection].page(page.tolist(), query.properties, geometries)
        return FeaturePage(texts, number_matched, query.offset, query.limit)

    def clusters(self, collection: str, query: FeatureQuery, zoom: int) -> Clusters:
        """Return the clusters at ``zoom`` of the features ``query`` selects: their precomputed points, binned."""
        gdf = self.dataset.layer(collection).gdf
        cell_size(zoom)  # a bad zoom is refused before any work
        positions = selected_positions(gdf, query)
        lons, lats = self._points[collection]
        return bin_points(lons[positions], lats[positions], self._ids[collection][positions], zoom)

    def item_text(self, collection: str, feature_id: str) -> str | None:
        """Return the feature ``feature_id`` of ``collection`` as GeoJSON text, or None."""
        self.dataset.layer(collection)  # an unknown collection raises UnknownLayer
        position = self._positions[collection].get(feature_id)
        return None if position is None else self._texts[collection].full[position]

    def item(self, collection: str, feature_id: str) -> dict | None:
        """Return the feature ``feature_id`` of ``collection``, or None."""
        text = self.item_text(collection, feature_id)
        return None if text is None else json.loads(text)

    def close(self) -> None:
        """Hold nothing to release."""
