"""Changing the data files: matching imported rows to features, import plans, edits, the change log,
the OpenStreetMap import."""
