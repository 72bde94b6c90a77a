"""The benchmark of the app against pygeoapi: ``make bench`` runs ``bench/run.py`` (see bench/README.md)."""
