"""A data directory as editable tables, read so that writing an unchanged file back gives the same bytes.

Maintenance (``hpmap import``, ``hpmap revert``) edits these in memory, renders only the files it changed
and hands the bytes to ``geo.formats.journal`` to be put in place all at once.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

import geopandas as gpd
from shapely.geometry import mapping

from geo.formats.export import write_atomically
from geo.model.catalog import LAYERS, LayerSpec
from geo.model.errors import MaintenanceError
from geo.model.files import (
    CHANGE_COLUMNS,
    CHANGES_FILE,
    CONTEXT_FILE,
    FIGURE_COLUMNS,
    POSITION_COLUMNS,
    POSITIONS_FILE,
    SOURCE_COLUMNS,
    geometry_columns,
)


@dataclass(frozen=True)
class CsvTable:
    """A CSV file as a frame of text cells, exactly as written (nothing stripped)."""

    frame: pd.DataFrame  # one column per header cell, object dtype, every cell a str
    line_end: str = "\r\n"  # as found in the file; Python's csv default for new files
    bom: bool = False

    def render(self) -> bytes:
        """Return the file's bytes: header, then rows, minimal quoting, the file's own line ends."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=self.line_end)
        writer.writerow(self.frame.columns)
        writer.writerows(self.frame.itertuples(index=False, name=None))
        return (("\ufeff" if self.bom else "") + buffer.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class JsonStyle:
    """How a JSON file was laid out, so that it can be written back the same way."""

    indent: int | None = 1
    ensure_ascii: bool = False
    final_newline: bool = True

    def dumps(self, document: object) -> str:
        """Return ``document`` as text in this style."""
        text = json.dumps(document, indent=self.indent, ensure_ascii=self.ensure_ascii)
        return text + ("\n" if self.final_newline else "")


_JSON_STYLES = tuple(
    JsonStyle(indent, ascii_, newline)
    for indent in (1, 2, 4, None)
    for ascii_ in (False, True)
    for newline in (True, False)
)


@dataclass(frozen=True)
class GeoJsonFile:
    """A layer's GeoJSON FeatureCollection as parsed (EPSG:4326), with its layout."""

    document: dict
    style: JsonStyle = field(default_factory=JsonStyle)

    def render(self) -> bytes:
        """Return the file's bytes in the layout it was read in."""
        return self.style.dumps(self.document).encode("utf-8")

    def feature(self, feature_id: str) -> dict | None:
        """Return the Feature object whose ``properties.id`` is ``feature_id``, or None."""
        for feature in self.document.get("features") or []:
            if (feature.get("properties") or {}).get("id") == feature_id:
                return feature
        return None


@dataclass(frozen=True)
class DataFiles:
    """The files of a data directory that maintenance edits, by file name."""

    tables: Mapping[str, CsvTable]  # attribute tables, figures.csv, sources.csv, positions.csv, changes.csv
    collections: Mapping[str, GeoJsonFile]  # <layer>.geojson, context.geojson
    specs: tuple[LayerSpec, ...] = LAYERS

    def table(self, name: str) -> pd.DataFrame:
        """Return the frame of the CSV file ``name``."""
        return self.tables[name].frame

    def spec(self, layer: str) -> LayerSpec:
        """Return the layer called ``layer``."""
        for spec in self.specs:
            if spec.name == layer:
                return spec
        known = ", ".join(spec.name for spec in self.specs)
        raise MaintenanceError(f"no layer '{layer}'; the layers are: {known}")

    def layer_of(self) -> dict[str, str]:
        """Return every feature id with the name of its layer."""
        return {feature_id: spec.name for spec in self.specs for feature_id in self.table(spec.attributes_file)["id"]}

    def render(self, name: str) -> bytes:
        """Return the bytes of file ``name`` as it stands."""
        if name in self.collections:
            return self.collections[name].render()
        return self.tables[name].render()

    def with_files(self, tables: Mapping[str, CsvTable], collections: Mapping[str, GeoJsonFile]) -> DataFiles:
        """Return a copy with some files replaced."""
        return replace(self, tables={**self.tables, **tables}, collections={**self.collections, **collections})


def read_data_files(data_dir: Path, specs: tuple[LayerSpec, ...] = LAYERS) -> DataFiles:
    """Read every file maintenance may edit; ``changes.csv`` may be absent (no change logged yet).

    ``positions.csv`` and ``context.geojson`` may be absent too (a directory made before them):
    validation then says they are missing.

    Raises
    ------
    MaintenanceError
        When a file is missing or cannot be read; ``hpmap validate`` says more.
    """
    data_dir = Path(data_dir)
    tables = {spec.attributes_file: read_csv_table(data_dir / spec.attributes_file) for spec in specs}
    tables["figures.csv"] = read_csv_table(data_dir / "figures.csv", FIGURE_COLUMNS)
    tables["sources.csv"] = read_csv_table(data_dir / "sources.csv", SOURCE_COLUMNS)
    tables[POSITIONS_FILE] = read_positions_table(data_dir)
    tables[CHANGES_FILE] = read_change_log(data_dir)
    collections = {spec.geometry_file: read_geojson_file(data_dir / spec.geometry_file) for spec in specs}
    if (data_dir / CONTEXT_FILE).exists():
        collections[CONTEXT_FILE] = read_geojson_file(data_dir / CONTEXT_FILE)
    return DataFiles(tables=tables, collections=collections, specs=specs)


def read_positions_table(data_dir: Path) -> CsvTable:
    """Read ``positions.csv``; an empty table where the directory has none yet."""
    path = Path(data_dir) / POSITIONS_FILE
    if path.exists():
        return read_csv_table(path, POSITION_COLUMNS)
    return CsvTable(pd.DataFrame(columns=POSITION_COLUMNS, dtype=object))


def read_change_log(data_dir: Path) -> CsvTable:
    """Read ``changes.csv``; an empty log when no change was made yet."""
    path = Path(data_dir) / CHANGES_FILE
    if path.exists():
        return read_csv_table(path, CHANGE_COLUMNS)
    return CsvTable(pd.DataFrame(columns=CHANGE_COLUMNS, dtype=object))


def read_csv_table(path: Path, required: list[str] | tuple[str, ...] = ("id",)) -> CsvTable:
    """Read a UTF-8 CSV file of the data directory as text cells, keeping its line ends and BOM."""
    text = _read_text(path)
    bom = text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    line_end = "\r\n" if first_line.endswith("\r") else "\n"
    rows = [row for row in csv.reader(io.StringIO(text, newline="")) if row]
    if not rows:
        raise MaintenanceError(f"{path.name}: empty file; restore it (git checkout) or run hpmap validate")
    header, body = rows[0], rows[1:]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise MaintenanceError(
                f"{path.name}: record {number} has {len(row)} cells, the header {len(header)}; fix the file first"
            )
    missing = [column for column in required if column not in header]
    if missing:
        raise MaintenanceError(f"{path.name}: column(s) {', '.join(missing)} missing from the header row")
    frame = pd.DataFrame(body, columns=header, dtype=object)
    return CsvTable(frame=frame, line_end=line_end, bom=bom)


def read_geojson_file(path: Path) -> GeoJsonFile:
    """Read a layer's GeoJSON FeatureCollection, noting its layout."""
    text = _read_text(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MaintenanceError(f"{path.name}: not valid JSON ({exc}); run hpmap validate") from None
    if not isinstance(document, dict) or not isinstance(document.get("features"), list):
        raise MaintenanceError(f"{path.name}: not a GeoJSON FeatureCollection; run hpmap validate")
    style = next((style for style in _JSON_STYLES if style.dumps(document) == text), JsonStyle())
    return GeoJsonFile(document=document, style=style)


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")  # not read_text: it would turn \r\n into \n
    except FileNotFoundError:
        raise MaintenanceError(f"{path.name}: file not found in {path.parent}; run hpmap validate") from None
    except UnicodeDecodeError as exc:
        raise MaintenanceError(f"{path.name}: not UTF-8 text ({exc}); run hpmap validate") from None


def write_data_files(frames: Mapping[str, pd.DataFrame], directory: Path) -> list[Path]:
    """Write each frame to ``directory`` as the data file it is named after, each file atomically.

    The layout is the shipped files': CSV with minimal quoting and CRLF line ends, GeoJSON indented by one.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, frame in frames.items():
        if file_name.endswith(".geojson"):
            data = GeoJsonFile(geojson_document(frame, file_name)).render()
        else:
            data = CsvTable(frame).render()
        path = directory / file_name
        write_atomically(path, lambda tmp, data=data: tmp.write_bytes(data))
        written.append(path)
    return written


def geojson_document(frame: gpd.GeoDataFrame, file_name: str) -> dict:
    """Return a geometry frame read from ``file_name`` as the FeatureCollection that file holds."""
    columns = geometry_columns(file_name)
    features = [
        {
            "type": "Feature",
            "properties": {column: row[column] for column in columns},
            "geometry": None if geometry is None else mapping(geometry),
        }
        for (_, row), geometry in zip(frame.iterrows(), frame.geometry, strict=True)
    ]
    return {"type": "FeatureCollection", "name": file_name.removesuffix(".geojson"), "features": features}
