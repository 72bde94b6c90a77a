"""Files read and written outside the pipeline: exports (GeoJSON, CSV, GeoPackage), the editable data
tables, the maintenance journal, import files (incoming), OpenStreetMap extracts, synthetic data sets."""
