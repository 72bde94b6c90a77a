"""The data directory's files besides the layers (``LayerSpec`` names those) and the columns each holds."""

GEOMETRY_COLUMNS = ["id", "geometry_quality", "geometry_note", "geometry_sources", "position_uncertainty_m"]
GEOMETRY_PROPERTIES = tuple(GEOMETRY_COLUMNS[1:])  # what a geometry file says of its outline

FIGURES_FILE = "figures.csv"
FIGURE_COLUMNS = ["feature_id", "field", "value", "as_of", "sources", "shown", "verified", "note"]
SOURCES_FILE = "sources.csv"
SOURCE_COLUMNS = ["id", "kind", "location", "title", "published", "publisher", "language"]
POSITIONS_FILE = "positions.csv"
POSITION_COLUMNS = ["id", "feature_id", "marks", "lon", "lat", "radius_m", "confidence", "source", "as_of", "note"]
CONTEXT_FILE = "context.geojson"
CONTEXT_COLUMNS = ["id", "kind", "name_vi", "name_en", "sources", "note"]
CITY_FIGURES_FILE = "city-figures.csv"
CITY_FIGURE_COLUMNS = ["field", "value", "unit", "as_of", "sources", "shown", "verified", "note"]
CONTACTS_FILE = "contacts.csv"  # the developer's or management board's website and public contact, per feature
CONTACT_COLUMNS = ["feature_id", "role", "name", "website", "phone", "email", "address", "sources", "as_of", "note"]
CHANGES_FILE = "changes.csv"  # the maintenance commands' change log
CHANGE_COLUMNS = [
    "change_id", "when", "who", "action", "source", "layer", "feature", "file", "field", "op",
    "old_value", "new_value",
]  # fmt: skip


def geometry_columns(file_name: str) -> list[str]:
    """Return the properties a geometry file keeps: ``CONTEXT_COLUMNS`` for the context file, else a layer's."""
    return CONTEXT_COLUMNS if file_name == CONTEXT_FILE else GEOMETRY_COLUMNS
