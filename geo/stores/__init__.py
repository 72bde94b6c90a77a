"""Serving features page by page: the query model (query), map clusters (clusters) and the in-memory store
over a Dataset (memory). The PostGIS store, with the same interface, is geo.postgis.store."""
