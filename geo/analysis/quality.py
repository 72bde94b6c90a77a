"""The data-quality report: how complete the park attributes are, and which figures are old, disputed or drawn roughly.

Every function takes the reference date as an argument: the report of a given day is reproducible.
"""

from __future__ import annotations

import calendar
import io
import re
from datetime import date

import pandas as pd

from geo.analysis.stats import position_evidence
from geo.formats.export import csv_writer
from geo.model import parse
from geo.model.dataset import Dataset
from geo.model.errors import InvalidQuery

PARKS = "industrial-parks"
STALE_AFTER_YEARS = 2  # a shown figure describing a date more than this long ago is stale
TIMELESS_FIELDS = frozenset({"year_established"})  # a founding year describes an event; it cannot go out of date
DAYS_PER_YEAR = 365.25
COMPLETENESS_FIELDS = (
    "area_ha", "leasable_ha", "occupancy_pct", "year_established", "investment_vnd_bn",
    "developer", "old_district", "commune_2025", "sectors", "tenants", "zone_id",
)  # fmt: skip
TRACED = "traced"
CSV_COLUMNS = ("section", "layer", "id", "name_vi", "name_en", "field", "value", "as_of", "detail")

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def quality_report(dataset: Dataset, reference_date: date) -> dict:
    """Return the data-quality report of ``dataset`` as of ``reference_date``.

    Returns
    -------
    dict
        JSON-ready: ``reference_date``, ``stale_after_years``, ``completeness`` (industrial parks),
        ``stale``, ``conflicts`` and ``approximate_geometry`` (every layer), ``position_evidence``
        (per layer, see ``geo.analysis.stats.position_evidence``) and ``counts``.
    """
    parks = dataset.layers[PARKS].gdf if PARKS in dataset.layers else None
    stale = stale_figures(dataset, reference_date)
    conflicts = conflicting_figures(dataset)
    rough = approximate_geometry(dataset)
    evidence = position_evidence(dataset)
    return {
        "reference_date": reference_date.isoformat(),
        "stale_after_years": STALE_AFTER_YEARS,
        "completeness": completeness(parks) if parks is not None else [],
        "stale": stale,
        "conflicts": conflicts,
        "approximate_geometry": rough,
        "position_evidence": evidence,
        "counts": {
            "parks": 0 if parks is None else len(parks),
            "stale": len(stale),
            "conflicts": len(conflicts),
            "approximate_geometry": len(rough),
            "without_position_evidence": sum(len(layer["without_evidence"]) for layer in evidence),
        },
    }


def parse_reference_date(text: str | None, default: date) -> date:
    """Return the date ``text`` gives as YYYY-MM-DD, or ``default`` when it is None.

    Raises
    ------
    InvalidQuery
        When ``text`` is not a real calendar day written YYYY-MM-DD.

    Examples
    --------
    >>> parse_reference_date("2025-12-31", default=date(2000, 1, 1))
    datetime.date(2025, 12, 31)
    >>> parse_reference_date("2025-02-30", default=date(2000, 1, 1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo.model.errors.InvalidQuery: as_of: '2025-02-30' is not a day ...
    """
    if text is None:
        return default
    try:
        if not _ISO_DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidQuery(f"as_of: '{text}' is not a day written YYYY-MM-DD, e.g. 2025-12-31") from None


# --- completeness ---------------------------------------------------------------------------------


def completeness(parks: pd.DataFrame) -> list[dict]:
    """Return, for each field of ``COMPLETENESS_FIELDS``, how many parks have a value (``pct`` None if no park)."""
    total = len(parks)
    rows = []
    for field in COMPLETENESS_FIELDS:
        known = sum(_is_known(value) for value in parks[field]) if field in parks.columns else 0
        pct = round(known / total * 100, 1) if total else None
        rows.append({"field": field, "known": known, "total": total, "pct": pct})
    return rows


def _is_known(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple)):
        return len(value) > 0
    return value is not None and not pd.isna(value)


# --- staleness ------------------------------------------------------------------------------------


def end_of_period(as_of: str) -> date:
    """Return the last day an ``as_of`` date can mean: a year's 31 December, a month's last day.

    Examples
    --------
    >>> end_of_period("2023"), end_of_period("2024-02"), end_of_period("2023-06-15")
    (datetime.date(2023, 12, 31), datetime.date(2024, 2, 29), datetime.date(2023, 6, 15))
    """
    parts = [int(part) for part in as_of.split("-")]
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    if len(parts) == 2:
        year, month = parts
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(*parts)


def stale_from(as_of: str, years: int = STALE_AFTER_YEARS) -> date:
    """Return the first day on which a figure describing ``as_of`` is more than ``years`` old.

    Generous: the period's last day counts, and 29 February plus whole years is 1 March.

    Examples
    --------
    >>> stale_from("2023"), stale_from("2023-02"), stale_from("2024-02-29")
    (datetime.date(2026, 1, 1), datetime.date(2025, 3, 1), datetime.date(2026, 3, 2))
    """
    end = end_of_period(as_of)
    try:
        anniversary = end.replace(year=end.year + years)
    except ValueError:  # 29 February in a common year: wait for 1 March
        anniversary = date(end.year + years, 3, 1)
    return date.fromordinal(anniversary.toordinal() + 1)


def is_stale(as_of: str, reference_date: date, years: int = STALE_AFTER_YEARS) -> bool:
    """Tell whether a figure describing ``as_of`` is more than ``years`` older than ``reference_date``.

    Exactly ``years`` is not stale. A malformed date is not judged (validation reports it).
    """
    return parse.is_date(as_of) and reference_date >= stale_from(as_of, years)


def stale_figures(dataset: Dataset, reference_date: date) -> list[dict]:
    """Return every shown figure, on every layer, that is stale on ``reference_date`` (layer, then feature order)."""
    found = []
    for layer_name, feature_id, row in _features(dataset):
        for figure in row["figures"]:
            if figure["shown"] and figure["field"] not in TIMELESS_FIELDS and is_stale(figure["as_of"], reference_date):
                age_days = (reference_date - end_of_period(figure["as_of"])).days
                found.append(
                    {
                        **_identity(layer_name, feature_id, row),
                        "field": figure["field"],
                        "value": figure["value"],
                        "as_of": figure["as_of"],
                        "age_years": round(age_days / DAYS_PER_YEAR, 2),
                    }
                )
    return found


# --- conflicts and rough geometry -----------------------------------------------------------------


def conflicting_figures(dataset: Dataset) -> list[dict]:
    """Return each (feature, field) whose sources disagree, with every value, its date, sources and whether shown."""
    found = []
    for layer_name, feature_id, row in _features(dataset):
        for field in row["conflicts"]:
            values = [
                {
                    "value": f["value"],
                    "as_of": f["as_of"],
                    "sources": list(f["sources"]),
                    "shown": f["shown"],
                    "verified": f["verified"],
                }
                for f in row["figures"]
                if f["field"] == field
            ]
            found.append({**_identity(layer_name, feature_id, row), "field": field, "values": values})
    return found


def approximate_geometry(dataset: Dataset) -> list[dict]:
    """Return every feature, on every layer, whose outline is not traced from a map reference."""
    return [
        {
            **_identity(layer_name, feature_id, row),
            "geometry_quality": row["geometry_quality"],
            "geometry_note": row["geometry_note"],
            "geometry_note_vi": row.get("geometry_note_vi", ""),
        }
        for layer_name, feature_id, row in _features(dataset)
        if row["geometry_quality"] != TRACED
    ]


def _features(dataset: Dataset):
    for layer_name, layer in dataset.layers.items():
        for feature_id, row in layer.gdf.iterrows():
            yield layer_name, feature_id, row


def _identity(layer_name: str, feature_id: str, row: pd.Series) -> dict:
    return {"id": feature_id, "layer": layer_name, "name_vi": row["name_vi"], "name_en": row["name_en"]}


# --- CSV ------------------------------------------------------------------------------------------


def findings_csv(report: dict) -> str:
    """Return the report as CSV, one row per finding: a completeness field, a stale figure, a value of a conflict
    (one row per value), a roughly drawn feature. Columns: ``CSV_COLUMNS``.
    """
    buffer = io.StringIO()
    writer = csv_writer(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in _finding_rows(report):
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return buffer.getvalue()


def findings_rows(report: dict) -> list[list]:
    """Return ``findings_csv``'s table (header first; None where no value) for a spreadsheet."""
    return [list(CSV_COLUMNS)] + [[row.get(column) for column in CSV_COLUMNS] for row in _finding_rows(report)]


def _finding_rows(report: dict):
    for item in report["completeness"]:
        detail = f"{item['known']} of {item['total']} parks"
        yield _row("completeness", {"layer": PARKS}, item["field"], item["pct"], "", detail)
    for item in report["stale"]:
        detail = f"{item['age_years']} years before {report['reference_date']}"
        yield _row("stale", item, item["field"], item["value"], item["as_of"], detail)
    for item in report["conflicts"]:
        for value in item["values"]:
            detail = f"{'shown' if value['shown'] else 'not shown'}; sources: {' '.join(value['sources'])}"
            yield _row("conflict", item, item["field"], value["value"], value["as_of"], detail)
    for item in report["approximate_geometry"]:
        yield _row("approximate_geometry", item, "geometry", item["geometry_quality"], "", item["geometry_note"])
    for layer in report.get("position_evidence", []):
        yield from _evidence_rows(layer)


def _evidence_rows(layer: dict):
    """A layer's distances to its evidence, its count per kind of evidence, then each feature without any."""
    where = {"layer": layer["layer"]}
    detail = f"{layer['with_evidence']} of {layer['features']} features have position evidence"
    yield _row("position_evidence", where, "median_distance_m", layer["median_distance_m"], "", detail)
    worst = {**where, "id": layer["worst_feature"] or ""}
    yield _row("position_evidence", worst, "worst_distance_m", layer["worst_distance_m"], "", "the farthest feature")
    for mark, count in layer["by_marks"].items():
        yield _row("position_evidence", where, f"marks:{mark}", count, "", "features whose best evidence is this kind")
    for feature_id in layer["without_evidence"]:
        yield _row("no_position_evidence", {**where, "id": feature_id}, "position", None, "", "no position record")


def _row(section: str, feature: dict, field: str, value, as_of: str, detail: str) -> dict:
    names = {key: feature.get(key, "") for key in ("layer", "id", "name_vi", "name_en")}
    return {"section": section, **names, "field": field, "value": value, "as_of": as_of, "detail": detail}
