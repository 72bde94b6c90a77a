"""The OpenAPI 3.0 document of the whole app (``document.build_document``), its schemas generated from the
typed dicts of ``webmap.api.schemas`` (``generate``), its paths assembled: the pages (``pages``), the OGC
API per collection (``ogc``), the investors' and planners' endpoints (``analyses``), the map's search
index (``search``)."""
