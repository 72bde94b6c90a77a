"""Write a joined layer as GeoJSON, CSV or GeoPackage for QGIS and spreadsheets."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

import geopandas as gpd

from geo.model.features import json_value, property_columns, to_geojson

FORMATS = ("geojson", "csv", "gpkg")


def flat_value(value) -> str | float | int | None:
    """Return ``value`` as one table cell: lists joined by '; ', objects as JSON."""
    value = json_value(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula


def spreadsheet_safe(cell):
    """Return ``cell`` so that a spreadsheet shows it as text, never runs it: a leading ' before a formula.

    Every CSV the app and the CLI write goes through ``csv_writer``, which applies this to each cell.
    Numbers are left as they are; text that starts like a formula gets the apostrophe spreadsheets
    hide and read as "this is text".

    Examples
    --------
    >>> [spreadsheet_safe(v) for v in ("=SUM(A1)", "@SUM(A1)", "-1+1", -1.5, "Tràng Duệ")]
    ["'=SUM(A1)", "'@SUM(A1)", "'-1+1", -1.5, 'Tràng Duệ']
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, cells) -> None:
        self._writer.writerow([spreadsheet_safe(cell) for cell in cells])


class _SafeDictWriter:
    def __init__(self, writer: csv.DictWriter):
        self._writer = writer

    def writeheader(self) -> None:
        self._writer.writeheader()

    def writerow(self, row: dict) -> None:
        self._writer.writerow({key: spreadsheet_safe(value) for key, value in row.items()})


def csv_writer(buffer: io.StringIO, fieldnames: list[str] | tuple[str, ...] | None = None):
    """Return the CSV writer every CSV download and export uses: ``csv.writer``'s dialect, cells made safe.

    With ``fieldnames``, a ``csv.DictWriter`` (missing keys written empty).
    """
    if fieldnames is not None:
        return _SafeDictWriter(csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n", restval=""))
    return _SafeWriter(csv.writer(buffer, lineterminator="\n"))


def to_csv_text(gdf: gpd.GeoDataFrame) -> str:
    """Return the layer as CSV: one row per feature, lists flattened, geometry as WKT last."""
    columns = property_columns(gdf)
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(columns + ["geometry_wkt"])
    for (_, row), geometry in zip(gdf.iterrows(), gdf.geometry, strict=True):
        cells = [flat_value(row[c]) for c in columns]
        writer.writerow(["" if c is None else c for c in cells] + [geometry.wkt if geometry is not None else ""])
    return buffer.getvalue()


def flat_frame(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy with only scalar columns, for formats without list types (GeoPackage)."""
    columns = property_columns(gdf)
    flat = gpd.GeoDataFrame(
        {c: [flat_value(v) for v in gdf[c]] for c in columns}, geometry=list(gdf.geometry), crs=gdf.crs
    )
    return flat


def write_atomically(path: Path, write) -> None:
    """Call ``write(tmp_path)`` then rename onto ``path``: never a half-written file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent or ".")
    os.close(fd)
    os.unlink(tmp)  # some writers refuse an existing file
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_layer(gdf: gpd.GeoDataFrame, format_: str, path: Path, layer_name: str) -> None:
    """Write the layer to ``path`` in ``format_`` (geojson, csv or gpkg), atomically."""
    if format_ == "geojson":
        text = json.dumps(to_geojson(gdf), ensure_ascii=False)
        write_atomically(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    elif format_ == "csv":
        text = to_csv_text(gdf)
        write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    elif format_ == "gpkg":
        flat = flat_frame(gdf)
        write_atomically(path, lambda tmp: flat.to_file(tmp, layer=layer_name, driver="GPKG"))
    else:
        raise ValueError(f"unknown format '{format_}'; use one of {', '.join(FORMATS)}")


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(rows: list[list], sheet_title: str) -> bytes:
    """Return ``rows`` (the first the header) as an Excel workbook of one sheet, every cell data.

    Numbers stay numbers; all text is stored as text, so "=SUM(A1)" shows as written and never runs (the
    workbook's answer to what ``spreadsheet_safe`` does for CSV: the apostrophe is the cell's hidden quote
    prefix, not part of the value). The
    header row is bold and frozen, the columns as wide as their contents (up to 60 characters).
    """
    from openpyxl import Workbook  # imported when a workbook is asked for: only the downloads need it
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]  # Excel's limit
    widths: dict[int, int] = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            value = _xlsx_value(flat_value(value))
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, str):
                cell.value = value
                cell.data_type = TYPE_STRING  # openpyxl would take a leading "=" for a formula
                cell.quotePrefix = value.startswith(FORMULA_STARTS)  # Excel's hidden apostrophe: text if edited
            else:
                cell.value = value
            if r == 1:
                cell.font = Font(bold=True)
            widths[c] = max(widths.get(c, 0), len(str(value)) if value is not None else 0)
    for c, width in widths.items():
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = min(max(width, 6), 60) + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        return value
    # Control characters other than tab and line breaks are not allowed in the workbook's XML.
    return "".join(ch for ch in str(value) if ch >= " " or ch in "\t\n\r")
