"""Read the files staff bring in: spreadsheets of attributes (CSV, .xlsx) and boundaries (any CRS).

Attribute rows are numbered as a spreadsheet numbers them (the header is row 1), boundary features
from 1 in file order, so that every report can point at the row to fix.
"""

from __future__ import annotations

import csv
import io
import math
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

import geopandas as gpd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj import CRS
from pyproj.exceptions import CRSError, ProjError

from geo.model.catalog import WEB_CRS
from geo.model.errors import MaintenanceError

# Limits on what an import may unpack: a small archive can hold gigabytes (a "zip bomb"), and a file
# any bigger than these is no hand-kept table of a city's industrial parks.
MAX_UNPACKED_BYTES = 256 * 2**20  # all the members of a .xlsx or .zip together, uncompressed
MAX_COMPRESSION_RATIO = 200  # a member this much bigger than its compressed bytes is a bomb, not data
MAX_FEATURES = 100_000  # features in one boundary file
MAX_VERTICES = 100_000  # coordinates in one outline: a hand-traced park has hundreds
MAX_CELL_CHARS = 131_072  # Python's csv field limit; a longer cell is no attribute

TABLE_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
BOUNDARY_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".shp")


@dataclass(frozen=True)
class IncomingTable:
    """The rows of a file to import, every cell as stripped text."""

    name: str  # the file's name, for messages and the change log
    frame: pd.DataFrame  # index: the spreadsheet row number (header = row 1); columns as in the header


def read_attribute_file(path: Path, sheet: str | None = None) -> IncomingTable:
    """Read a CSV (UTF-8, with or without BOM, any line ends, ``,`` ``;`` or tab) or an Excel workbook.

    Raises
    ------
    MaintenanceError
        When the file is missing, empty, not UTF-8, not a workbook, or its header is unusable.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        rows = _excel_rows(path, sheet)
    elif suffix in TABLE_SUFFIXES:
        rows = _csv_rows(path)
    else:
        raise MaintenanceError(f"{path.name}: unknown kind of file; give a CSV (.csv) or an Excel workbook (.xlsx)")
    return IncomingTable(path.name, _frame(rows, path.name))


def _csv_rows(path: Path) -> list[list[str]]:
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as exc:
        raise MaintenanceError(
            f"{path.name}: not UTF-8 text (byte {exc.start}); in Excel save as 'CSV UTF-8 (Comma delimited)'"
        ) from None
    header_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:  # a cell over the field limit, most likely
        raise MaintenanceError(
            f"{path.name}: row {reader.line_num}: cannot be read as CSV ({exc}); a cell holds at most "
            f"{MAX_CELL_CHARS:,} characters"
        ) from None


def _excel_rows(path: Path, sheet: str | None) -> list[list[str]]:

    _check_file(path)
    check_archive(path)
    with path.open("rb") as stream:  # ours to close, also when openpyxl fails half-way through opening it
        return _workbook_rows(stream, path.name, sheet)


def _workbook_rows(stream, name: str, sheet: str | None) -> list[list[str]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            # Workbooks saved by LibreOffice and others lack a default style; harmless for reading values.
            warnings.filterwarnings("ignore", message="Workbook contains no default style", category=UserWarning)
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError) as exc:
        raise MaintenanceError(f"{name}: cannot be read as an Excel workbook ({exc})") from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise MaintenanceError(f"{name}: no sheet '{sheet}'; the sheets are: {', '.join(workbook.sheetnames)}")
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        return [[_cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
    except MaintenanceError:
        raise
    except Exception as exc:  # noqa: BLE001  (the sheets' XML is parsed lazily; a malformed one raises anything)
        reason = f"{type(exc).__name__}: {exc}"
        raise MaintenanceError(f"{name}: cannot be read as an Excel workbook ({reason})") from None
    finally:
        workbook.close()


def check_archive(path: Path) -> None:
    """Refuse a zip archive (.xlsx, .zip) that would unpack to more than ``MAX_UNPACKED_BYTES``, or a bomb.

    Examples
    --------
    >>> import tempfile, zipfile
    >>> bomb = Path(tempfile.mkdtemp()) / "bomb.xlsx"
    >>> with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
    ...     archive.writestr("xl/sharedStrings.xml", "A" * 50_000_000)
    >>> check_archive(bomb)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo.model.errors.MaintenanceError: bomb.xlsx: xl/sharedStrings.xml would unpack ... times its size ...
    """
    if not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise MaintenanceError(f"{path.name}: a damaged archive ({exc})") from None
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise MaintenanceError(
            f"{path.name}: would unpack to {total / 2**20:,.0f} MB; at most {MAX_UNPACKED_BYTES // 2**20} MB "
            "are imported at once: split the file"
        )
    for member in members:
        if member.file_size > 2**20 and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            ratio = member.file_size // max(member.compress_size, 1)
            raise MaintenanceError(
                f"{path.name}: {member.filename} would unpack to {ratio:,} times its size in the archive "
                f"({member.file_size / 2**20:,.0f} MB): refused as a decompression bomb"
            )


def _cell_text(value: object) -> str:
    # Excel keeps numbers as floats and dates as datetimes: write them as a person would type them.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _frame(rows: list[list[str]], name: str) -> pd.DataFrame:
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise MaintenanceError(f"{name}: empty file, no header row; the first row names the columns (id, status, …)")
    header = [cell.strip() for cell in rows[0]]
    while header and header[-1] == "":
        header.pop()  # spreadsheets often carry empty trailing columns
    problems = _header_problems(header)
    if problems:
        raise MaintenanceError(f"{name}: {problems}")
    records, numbers = [], []
    for number, row in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue  # a blank line
        _check_cells(name, number, header, cells)
        if any(cells[len(header) :]):
            raise MaintenanceError(f"{name}: row {number} has more cells ({len(cells)}) than the header has")
        records.append((cells + [""] * len(header))[: len(header)])
        numbers.append(number)
    return pd.DataFrame(records, columns=header, index=pd.Index(numbers, name="row"), dtype=object)


def _check_cells(name: str, number: int, header: list[str], cells: list[str]) -> None:
    for column, cell in zip(header, cells, strict=False):
        if "\x00" in cell:  # cut short by the GeoPackage export, refused by PostgreSQL: never data
            raise MaintenanceError(f"{name}: row {number}, column '{column}': a NUL character; remove it")
        if len(cell) > MAX_CELL_CHARS:
            raise MaintenanceError(
                f"{name}: row {number}, column '{column}': {len(cell):,} characters; a cell holds at most "
                f"{MAX_CELL_CHARS:,}"
            )


def _header_problems(header: list[str]) -> str:
    if "" in header:
        return f"column {header.index('') + 1} has no name in the header row"
    duplicates = sorted({column for column in header if header.count(column) > 1})
    if duplicates:
        return f"column(s) named twice in the header row: {', '.join(duplicates)}"
    return ""


def _read_bytes(path: Path) -> bytes:
    _check_file(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise MaintenanceError(f"{path.name}: empty file, nothing to import")
    return raw


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise MaintenanceError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise MaintenanceError(f"{path.name}: empty file, nothing to import")


def read_boundary_file(path: Path, layer: str | None = None, crs: str | None = None) -> gpd.GeoDataFrame:
    """Read boundaries from GeoJSON, a GeoPackage or a (zipped) Shapefile and return them in EPSG:4326.

    ``layer`` picks a layer of a multi-layer file; ``crs`` is the CRS to assume when the file names none
    (e.g. ``EPSG:3405``, VN-2000 / UTM 48N). Z values are dropped. Every property is returned as text;
    the index numbers the features from 1.

    Raises
    ------
    MaintenanceError
        When the file cannot be read, has several layers and none was chosen, or has no CRS.
    """
    path = Path(path)
    _check_file(path)
    if path.suffix.lower() not in BOUNDARY_SUFFIXES:
        raise MaintenanceError(f"{path.name}: give GeoJSON, a GeoPackage (.gpkg) or a zipped Shapefile (.zip)")
    check_archive(path)
    try:
        layer = layer or _only_layer(path)
        count = pyogrio.read_info(path, layer=layer)["features"]
        if count > MAX_FEATURES:
            raise MaintenanceError(f"{path.name}: {count:,} features; at most {MAX_FEATURES:,} are imported at once")
        frame = pyogrio.read_dataframe(path, layer=layer)
    except (DataSourceError, DataLayerError) as exc:
        raise MaintenanceError(f"{path.name}: cannot be read as a GIS layer ({exc})") from None
    _check_vertices(frame, path.name)
    frame = _to_web_crs(frame, path.name, crs)
    frame.geometry = shapely.force_2d(frame.geometry.values)
    properties = [c for c in frame.columns if c != frame.geometry.name]
    frame[properties] = frame[properties].map(_property_text).astype(object)
    for column in properties:
        for number, cell in zip(range(1, len(frame) + 1), frame[column], strict=True):
            if "\x00" in cell:
                where = f"feature {number}, property '{column}'"
                raise MaintenanceError(f"{path.name}: {where}: a NUL character; remove it")
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="feature")
    return frame


def _check_vertices(frame: gpd.GeoDataFrame, name: str) -> None:
    counts = shapely.get_num_coordinates(frame.geometry.values)
    if len(counts) and counts.max() > MAX_VERTICES:
        number = int(counts.argmax()) + 1
        raise MaintenanceError(
            f"{name}: feature {number}: {int(counts.max()):,} vertices; an outline has at most {MAX_VERTICES:,} "
            "(simplify it, e.g. to 1 m, before importing)"
        )


def _only_layer(path: Path) -> str | None:
    layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    if len(layers) > 1:
        listed = ", ".join(layers)
        raise MaintenanceError(f"{path.name}: {len(layers)} layers ({listed}); choose one with --input-layer")
    return layers[0] if layers else None


def _to_web_crs(frame: gpd.GeoDataFrame, name: str, assumed: str | None) -> gpd.GeoDataFrame:
    try:
        assumed_crs = CRS.from_user_input(assumed) if assumed else None
    except CRSError as exc:
        raise MaintenanceError(f"--crs {assumed}: not a CRS ({exc}); write it as EPSG:3405") from None
    if frame.crs is None:
        if assumed_crs is None:
            raise MaintenanceError(
                f"{name}: the file names no CRS; give the one it is in, e.g. --crs EPSG:3405 (VN-2000 / UTM 48N)"
            )
        frame = frame.set_crs(assumed_crs)
    elif assumed_crs is not None and not frame.crs.equals(assumed_crs):
        raise MaintenanceError(
            f"{name}: the file says its CRS is {frame.crs.to_string()}, not {assumed}; drop --crs or fix the file"
        )
    try:
        return frame.to_crs(WEB_CRS)
    except (CRSError, ProjError) as exc:
        raise MaintenanceError(
            f"{name}: cannot be turned into longitude/latitude from its CRS {frame.crs.name!r} ({exc}); "
            "give a file in a geographic or projected CRS of the Earth, e.g. EPSG:3405 (VN-2000 / UTM 48N)"
        ) from None


def _property_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
