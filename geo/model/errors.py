"""Errors of the geo core. They say what is wrong and where; they carry no HTTP status."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """One problem found in the data, located by file, feature and field."""

    severity: str  # "error" stops the load; "warning" is reported only
    file: str
    feature: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.feature is not None:
            where.append(f"feature '{self.feature}'")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{self.severity}: {', '.join(where)}: {self.message}"


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


class MaintenanceError(GeoDataError):
    """An import or a revert that cannot be done; the message says why and how to fix it."""


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
