"""Errors of the geo core. They say what is wrong and where; they carry no HTTP status."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.model.dataset import Issue


class GeoDataError(Exception):
    """Base class for every error raised by the geo core."""


class InvalidData(GeoDataError):
    """The data set has errors; ``issues`` lists each with file, feature and field."""

    def __init__(self, issues: list[Issue]):
        self.issues = list(issues)
        errors = [i for i in self.issues if i.severity == "error"]
        lines = [str(i) for i in errors[:20]]
        if len(errors) > 20:
            lines.append(f"... and {len(errors) - 20} more errors")
        super().__init__(f"{len(errors)} error(s) in the data:\n" + "\n".join(lines))


class UnknownLayer(GeoDataError):
    """A layer name that the data set does not have."""


class UnknownFeature(GeoDataError):
    """A feature id that no layer has."""


class InvalidQuery(GeoDataError):
    """A query whose parameters cannot be honoured."""


class StoreUnavailable(GeoDataError):
    """The feature store cannot answer now (its database is unreachable or went away); later it may.

    ``retry_after_s`` is how long a client should wait before asking again.
    """

    def __init__(self, message: str, retry_after_s: int = 5):
        super().__init__(message)
        self.retry_after_s = retry_after_s
