"""PostGIS as the engine for larger deployments: connection, schema, loading, the data source, the store
and maintenance against the database. Needs psycopg; nothing outside this package imports it eagerly."""
