"""The data model: layers and their vocabulary (catalog), the data set (dataset), the data files' names and
columns (files), errors and issues, text folding and value parsing. Imports nothing else from geo."""
