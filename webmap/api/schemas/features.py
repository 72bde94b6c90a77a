"""The bodies of the OGC API – Features endpoints (OGC API – Features Part 1, GeoJSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from geo.stores.clusters import MAX_CELLS
from geo.stores.query import MAX_ZOOM
from webmap.api.schemas import described

Uri = Annotated[str, Field(json_schema_extra={"format": "uri"})]
Count = Annotated[int, Field(ge=0)]
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


@described
class Link(TypedDict):
    href: Uri
    rel: str
    type: NotRequired[str]
    title: NotRequired[str]


# Named as in OGC API – Features; not a class statement, which would hide Python's Exception here.
ErrorBody = described(TypedDict("Exception", {
    "code": Annotated[int, Field(description="The HTTP status code")],
    "description": Annotated[str, Field(description="What was wrong with the request, or that the server failed")],
}))  # fmt: skip


@described
class LandingPage(TypedDict):
    title: str
    description: str
    links: list[Link]


@described
class ConfClasses(TypedDict):
    conformsTo: list[str]


@described
class SpatialExtent(TypedDict):
    bbox: list[list[float]]
    """[[min lon, min lat, max lon, max lat]]"""
    crs: str


@described
class Extent(TypedDict):
    spatial: SpatialExtent


@described
class Collection(TypedDict):
    id: str
    title: str
    description: str
    itemType: str
    crs: list[str]
    links: list[Link]
    extent: NotRequired[Extent]
    """Absent for a layer with no feature"""


@described
class Collections(TypedDict):
    links: list[Link]
    collections: list[Collection]


@described
class Geometry(TypedDict):
    """A GeoJSON geometry, longitude/latitude (CRS84)"""

    type: Literal[GEOMETRY_TYPES]
    coordinates: list[Any]


@described
class Feature(TypedDict):
    type: Literal["Feature"]
    id: NotRequired[str]
    geometry: Geometry
    properties: dict[str, Any] | None
    links: NotRequired[list[Link]]
    """This feature and its collection (on /api/collections/{collectionId}/items/{featureId})"""


@described
class FeatureCollection(TypedDict):
    type: Literal["FeatureCollection"]
    timeStamp: datetime
    numberMatched: Count
    numberReturned: Count
    links: list[Link]
    features: list[Feature]


@described
class ClusterPoint(TypedDict):
    type: Literal["Point"]
    coordinates: tuple[float, float]


@described
class ClusterProperties(TypedDict):
    count: Annotated[int, Field(ge=1)]
    id: NotRequired[str]
    """The feature's id, where the cell holds exactly one"""


@described
class Cluster(TypedDict):
    """An occupied grid cell: the mean position of its features (CRS84), how many they are, and the feature's id
    where it holds exactly one"""

    type: Literal["Feature"]
    geometry: ClusterPoint
    properties: ClusterProperties


@described
class ClusterCollection(TypedDict):
    type: Literal["FeatureCollection"]
    timeStamp: datetime
    zoom: Annotated[int, Field(ge=0, le=MAX_ZOOM)]
    cellSize: Annotated[float, Field(gt=0)]
    """A cell's width and height, in degrees"""
    numberMatched: Count
    numberReturned: Annotated[int, Field(ge=0, le=MAX_CELLS)]
    links: list[Link]
    features: list[Cluster]


@described
class FeatureRecord(TypedDict):
    """One feature's attributes, figures and sources, with its layer (the JSON of its page)"""

    id: str
    layer: str
    properties: dict[str, Any]


@described
class OpenApiDocument(TypedDict):
    """This document (OpenAPI 3.0)"""

    openapi: str
    info: dict[str, Any]
    servers: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    paths: dict[str, Any]
    components: dict[str, Any]


BODIES = (ErrorBody, LandingPage, ConfClasses, Collections, Collection, FeatureCollection, Feature, ClusterCollection,
          FeatureRecord, OpenApiDocument)  # fmt: skip
