"""What the data set answers: the site finder, the proposal check, zone coverage, data quality, statistics
and the city-level figures."""
