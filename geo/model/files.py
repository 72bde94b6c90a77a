"""The data directory's files besides the layers (``LayerSpec`` names those) and the columns each holds."""

# Data text in two languages. A column of English text (a note, a description) may have a Vietnamese
# twin beside it, named ``<column>_vi``: the Vietnamese pages show the twin, every other language the
# English column, whose name the API and the exports keep. Twins are optional: a file without them
# loads, and the pages show the English where a twin is missing or empty.
VIETNAMESE_SUFFIX = "_vi"

GEOMETRY_COLUMNS = [
    "id", "geometry_quality", "geometry_note", "geometry_note_vi", "geometry_sources", "position_uncertainty_m",
]  # fmt: skip
GEOMETRY_PROPERTIES = tuple(GEOMETRY_COLUMNS[1:])  # what a geometry file says of its outline

FIGURES_FILE = "figures.csv"
FIGURE_COLUMNS = ["feature_id", "field", "value", "as_of", "sources", "shown", "verified", "note"]
SOURCES_FILE = "sources.csv"
SOURCE_COLUMNS = ["id", "kind", "location", "title", "published", "publisher", "language"]
POSITIONS_FILE = "positions.csv"
POSITION_COLUMNS = ["id", "feature_id", "marks", "lon", "lat", "radius_m", "confidence", "source", "as_of", "note"]
CONTEXT_FILE = "context.geojson"
CONTEXT_COLUMNS = ["id", "kind", "name_vi", "name_en", "sources", "note", "note_vi"]
CITY_FIGURES_FILE = "city-figures.csv"
CITY_FIGURE_COLUMNS = ["field", "value", "unit", "as_of", "sources", "shown", "verified", "note"]
CONTACTS_FILE = "contacts.csv"  # the developer's or management board's website and public contact, per feature
CONTACT_COLUMNS = ["feature_id", "role", "name", "website", "phone", "email", "address", "sources", "as_of", "note"]
CHANGES_FILE = "changes.csv"  # the maintenance commands' change log
CHANGE_COLUMNS = [
    "change_id", "when", "who", "action", "source", "layer", "feature", "file", "field", "op",
    "old_value", "new_value",
]  # fmt: skip


# The English text columns of each file besides the attribute tables (``catalog.TRANSLATED_ATTRIBUTES``)
# that may have a Vietnamese twin: always there in the geometry files (read as "" where absent),
# an optional column of its own in the CSV tables.
TRANSLATED_TEXT = {
    FIGURES_FILE: ("note",),
    CITY_FIGURES_FILE: ("note",),
    POSITIONS_FILE: ("note",),
    CONTACTS_FILE: ("note",),
    CONTEXT_FILE: ("note",),
}
TRANSLATED_GEOMETRY_TEXT = ("geometry_note",)  # a layer's geometry file


def vietnamese(column: str) -> str:
    """Return the name of the Vietnamese twin of the English text column ``column``: ``note`` → ``note_vi``."""
    return column + VIETNAMESE_SUFFIX


def geometry_columns(file_name: str) -> list[str]:
    """Return the properties a geometry file keeps: ``CONTEXT_COLUMNS`` for the context file, else a layer's."""
    return CONTEXT_COLUMNS if file_name == CONTEXT_FILE else GEOMETRY_COLUMNS
