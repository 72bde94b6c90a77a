"""OpenAPI 3.0 schemas generated from the typed dicts of ``webmap.api.schemas``, and the few helpers every
part of the document uses.

The bodies the API sends and receives are declared once, as ``TypedDict``s (the handlers build them);
pydantic turns each into JSON Schema (2020-12), which ``to_oas30`` rewrites in the dialect of OpenAPI
3.0: ``nullable`` for ``X | None``, ``enum`` for a constant, ``items`` for a tuple, boolean exclusive bounds.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import TypeAdapter

from geo.formats.export import XLSX_MEDIA_TYPE

JSON = "application/json"
GEOJSON = "application/geo+json"
CSV = "text/csv"
XLSX = XLSX_MEDIA_TYPE  # an Excel workbook
BINARY = {"type": "string", "format": "binary"}
MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"  # of this document
_REF_TEMPLATE = "#/components/schemas/{model}"
_NULL = {"type": "null"}


def ref(kind: str, name: str) -> dict:
    """Return a reference to ``#/components/<kind>/<name>``."""
    return {"$ref": f"#/components/{kind}/{name}"}


def component_schemas(*types: type) -> dict[str, dict]:
    """Return the OpenAPI 3.0 schemas of ``types`` and of every type they hold, keyed by type name."""
    found: dict[str, dict] = {}
    for type_ in types:
        schema = TypeAdapter(type_).json_schema(ref_template=_REF_TEMPLATE, mode="serialization")
        found.update(schema.pop("$defs", {}))
        found[type_.__name__] = schema
    return {name: to_oas30(schema, found) for name, schema in found.items()}


def schema_of(type_: Any) -> dict:
    """Return the OpenAPI 3.0 schema of one annotation, inlined (no component of its own)."""
    schema = TypeAdapter(type_).json_schema(ref_template=_REF_TEMPLATE)
    return to_oas30(schema, schema.pop("$defs", {}))


def to_oas30(node: Any, definitions: dict[str, dict]) -> Any:
    """Return JSON Schema ``node`` in OpenAPI 3.0's dialect; ``definitions`` resolve the references to inline."""
    if isinstance(node, list):
        return [to_oas30(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: value for key, value in node.items() if key != "title"}  # pydantic's, from the field name
    if "const" in node:
        node["enum"] = [node.pop("const")]
    if _NULL in node.get("anyOf", ()):
        node = _nullable(node, definitions)
    if "prefixItems" in node:  # a tuple: OpenAPI 3.0 has one schema for every item
        kinds = _distinct(node.pop("prefixItems"))
        node["items"] = kinds[0] if len(kinds) == 1 else {"anyOf": kinds}
    for bound in ("Minimum", "Maximum"):
        if isinstance(node.get(f"exclusive{bound}"), int | float) and not isinstance(node[f"exclusive{bound}"], bool):
            node[bound.lower()], node[f"exclusive{bound}"] = node[f"exclusive{bound}"], True
    if node.get("default", 0) is None:
        del node["default"]
    if "description" in node:
        node["description"] = " ".join(node["description"].split())  # a docstring's lines, joined
    if "$ref" in node and len(node) > 1:  # OpenAPI 3.0 ignores a reference's siblings: keep them beside an allOf
        node = {"allOf": [{"$ref": node.pop("$ref")}], **node}
    if "properties" in node:  # names, not keywords: a property may be called "title"
        node["properties"] = {name: to_oas30(schema, definitions) for name, schema in node["properties"].items()}
    return {key: value if key == "properties" else to_oas30(value, definitions) for key, value in node.items()}


def _distinct(schemas: list) -> list:
    return [schema for i, schema in enumerate(schemas) if schema not in schemas[:i]]


def _nullable(node: dict, definitions: dict[str, dict]) -> dict:
    # OpenAPI 3.0 validators ignore "nullable" beside a $ref or an allOf: a referenced schema is inlined.
    others = [option for option in node.pop("anyOf") if option != _NULL]
    base = others[0] if len(others) == 1 else {"anyOf": others}
    if "$ref" in base:
        base = copy.deepcopy(definitions[base["$ref"].rsplit("/", 1)[1]])
    return {**base, **node, "nullable": True}


# --- the pieces every part of the document is made of --------------------------------------------


def query(name: str, description: str, schema: dict, **more: Any) -> dict:
    """Return an optional query parameter (``more``: required, style, explode)."""
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema, **more}


def listed(name: str, description: str, items: dict, **more: Any) -> dict:
    """Return a query parameter given as a comma-separated list (``?name=a,b,c``)."""
    return query(name, description, {"type": "array", "items": items, **more}, style="form", explode=False)


def repeated(name: str, description: str, items: dict) -> dict:
    """Return a query parameter that may be repeated (``?name=a&name=b``: any of them)."""
    return query(name, description, {"type": "array", "items": items}, style="form", explode=True)


def in_path(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


def get(operation_id: str, tag: str, summary: str, parameters: list, responses: dict, **more: Any) -> dict:
    """Return a path item with one GET operation (``more``: description, ...)."""
    operation = {"operationId": operation_id, "tags": [tag], "summary": summary, **more}
    if parameters:
        operation["parameters"] = parameters
    return {"get": {**operation, "responses": responses}}


def answer(description: str, **schemas: dict) -> dict:
    """Return a response whose bodies are ``schemas``, by media type (``json=``, ``geojson=``, ``csv=``, ``xlsx=``,
    ``html=``)."""
    media_types = {"json": JSON, "geojson": GEOJSON, "csv": CSV, "xlsx": XLSX, "html": "text/html",
                   "js": "text/javascript", "openapi": MEDIA_TYPE}
    return {"description": description, "content": {media_types[key]: {"schema": s} for key, s in schemas.items()}}


def refusal(description: str) -> dict:
    """Return a 4xx or 5xx response with the JSON error body."""
    return answer(description, json=ref("schemas", "Exception"))


def cached_json(ok: dict) -> dict:
    """Return the responses of a cached JSON GET: ``ok`` (200), 304 to a matching If-None-Match, 400 and 500."""
    return {
        "200": ok,
        "304": ref("responses", "NotModified"),
        "400": ref("responses", "BadRequest"),
        "500": ref("responses", "ServerError"),
    }


RESPONSES = {
    "NotModified": {"description": "Unchanged since the ETag given in If-None-Match"},
    "BadRequest": refusal("A query parameter is unknown, repeated or has a bad value"),
    "NotFound": refusal("No such collection or feature"),
    "ServerError": refusal("An unexpected error"),
}
