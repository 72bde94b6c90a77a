"""Read an OpenStreetMap extract (``.osm.pbf`` or ``.osm``): the named areas that can be our features, and its date.

GDAL's OSM driver (through pyogrio) builds the areas: closed ways and multipolygon relations become its
``multipolygons`` layer, with the common keys as columns and every other tag in ``other_tags`` (an
hstore text, ``"harbour"=>"yes","name:vi"=>"…"``). Kept are the areas an industrial park, cluster,
zone, port or airport is mapped as — ``landuse=industrial|port``, any ``industrial=*``, ``harbour=*``,
``aeroway=aerodrome`` — that carry a name.

GDAL's default configuration makes a closed way an area only for some keys (``landuse``, ``aeroway``,
…); ``industrial`` and ``harbour`` are added to them, so that a way tagged only ``industrial=port`` is
read as the area it is.

The extract's date is what its header says: a PBF file's ``osmosis_replication_timestamp`` (Geofabrik
and planet extracts set it), an XML file's ``timestamp`` attribute of ``<osm>`` or Overpass's
``<meta osm_base>``. Without one the caller must be told the date.
"""

from __future__ import annotations

import re
import struct
import tempfile
import warnings
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

import geopandas as gpd
import pyogrio

from geo.model.errors import MaintenanceError

OSM_LAYER = "multipolygons"
OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm")
CANDIDATE_FILTER = (
    "landuse IN ('industrial', 'port') OR aeroway = 'aerodrome' "
    "OR other_tags LIKE '%\"industrial\"=>%' OR other_tags LIKE '%\"harbour\"=>%'"
)  # OGR SQL, evaluated by GDAL: the extract's millions of buildings never reach Python
AREA_KEYS = ("industrial", "harbour")  # closed ways with these keys are areas, beyond GDAL's default keys
_HSTORE_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')
_XML_DATE = re.compile(rb'<(?:osm\b[^>]*?\btimestamp|meta\b[^>]*?\bosm_base)="([^"]+)"')


@dataclass(frozen=True)
class Extract:
    """The candidate areas of an extract (EPSG:4326) and the date the extract describes."""

    name: str  # the file's name
    as_of: str | None  # YYYY-MM-DD from the header, None when the file states none
    areas: gpd.GeoDataFrame  # osm_ref ("way/10", "relation/20"), name, name_vi, name_en, tagged, geometry


def read_extract(path: Path, bbox: tuple[float, float, float, float]) -> Extract:
    """Read the named candidate areas of the extract at ``path`` that intersect ``bbox`` (lon/lat degrees).

    Raises
    ------
    MaintenanceError
        When the file is missing, not an OSM extract, or GDAL cannot read it.
    """
    path = Path(path)
    if not path.is_file():
        raise MaintenanceError(f"{path}: no such file")
    if not path.name.lower().endswith(OSM_SUFFIXES):
        raise MaintenanceError(f"{path.name}: not an OpenStreetMap extract; give a .osm.pbf or .osm file")
    try:
        with warnings.catch_warnings(), tempfile.TemporaryDirectory(prefix="hpmap-osm-") as scratch:
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes on the OSM driver's temporary files
            frame = pyogrio.read_dataframe(
                path,
                layer=OSM_LAYER,
                columns=["osm_id", "osm_way_id", "name", "landuse", "aeroway", "other_tags"],
                where=CANDIDATE_FILTER,
                bbox=bbox,
                **_driver_options(Path(scratch)),
            )
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise MaintenanceError(f"{path.name}: cannot be read as an OpenStreetMap extract ({exc})") from None
    return Extract(name=path.name, as_of=extract_date(path), areas=_candidate_areas(frame))


def _driver_options(scratch: Path) -> dict[str, str]:
    # The OSM driver's CONFIG_FILE open option: GDAL's own osmconf.ini with AREA_KEYS added.
    data = pyogrio.get_gdal_data_path()
    default = Path(data) / "osmconf.ini" if data else None
    if default is None or not default.is_file():
        return {}  # a GDAL without its data files: its built-in defaults
    text = default.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(closed_ways_are_polygons=.*)$", lambda m: m.group(1) + "," + ",".join(AREA_KEYS), text)
    config = scratch / "osmconf.ini"
    config.write_text(text, encoding="utf-8")
    return {"CONFIG_FILE": str(config)}


def _candidate_areas(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = []
    for record, geometry in zip(frame.itertuples(index=False), frame.geometry, strict=True):
        tags = parse_other_tags(record.other_tags)
        names = {"name": _text(record.name), "name_vi": tags.get("name:vi", ""), "name_en": tags.get("name:en", "")}
        if geometry is None or geometry.is_empty or not any(names.values()):
            continue
        tagged = _tagging(_text(record.landuse), _text(record.aeroway), tags)
        if not tagged:
            continue
        rows.append({"osm_ref": _osm_ref(record), **names, "tagged": tagged, "geometry": geometry})
    columns = ["osm_ref", "name", "name_vi", "name_en", "tagged", "geometry"]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry="geometry", crs="EPSG:4326")


def _tagging(landuse: str, aeroway: str, tags: dict[str, str]) -> str:
    # The tag that made the area a candidate, shown in the report ("landuse=industrial").
    if landuse in ("industrial", "port"):
        return f"landuse={landuse}"
    if aeroway == "aerodrome":
        return "aeroway=aerodrome"
    for key in ("industrial", "harbour"):
        if tags.get(key):
            return f"{key}={tags[key]}"
    return ""


def _osm_ref(record) -> str:
    # The driver gives a relation's id as osm_id and a closed way's as osm_way_id.
    if _text(record.osm_id):
        return f"relation/{int(float(record.osm_id))}"
    return f"way/{int(float(record.osm_way_id))}"


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def parse_other_tags(text) -> dict[str, str]:
    """Return the tags of GDAL's ``other_tags`` hstore text.

    Examples
    --------
    >>> parse_other_tags('"harbour"=>"yes","name:vi"=>"Cảng \\\\"Lạch\\\\" Huyện"')
    {'harbour': 'yes', 'name:vi': 'Cảng "Lạch" Huyện'}
    """
    text = _text(text)
    return {_unescape(key): _unescape(value) for key, value in _HSTORE_PAIR.findall(text)}


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


# ---------------------------------------------------------------- the extract's date


def extract_date(path: Path) -> str | None:
    """Return the date (YYYY-MM-DD, UTC) the extract's header states, or None."""
    path = Path(path)
    with path.open("rb") as stream:
        if path.name.lower().endswith(".pbf"):
            return _pbf_date(stream)
        found = _XML_DATE.search(stream.read(8192))
    return _day(found.group(1).decode("ascii", "replace")) if found else None


def _day(stamp: str) -> str | None:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC).strftime("%Y-%m-%d")
    except ValueError:
        return None


def _pbf_date(stream) -> str | None:
    # A PBF file starts with a BlobHeader (type "OSMHeader") and its Blob, whose HeaderBlock may carry
    # osmosis_replication_timestamp (field 32, seconds since 1970).
    try:
        (size,) = struct.unpack(">I", stream.read(4))
        blob_header = _fields(stream.read(size))
        if blob_header.get(1) != b"OSMHeader":
            return None
        blob = _fields(stream.read(blob_header[3]))
        block = blob[1] if 1 in blob else zlib.decompress(blob[3])
        seconds = _fields(block).get(32)
    except (struct.error, KeyError, zlib.error, ValueError, IndexError):
        return None
    if not seconds:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d")


def _fields(message: bytes) -> dict[int, int | bytes]:
    """Return a protobuf message's fields by number (the last value of a repeated one)."""
    fields, at = {}, 0
    while at < len(message):
        key, at = _varint(message, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            fields[number], at = _varint(message, at)
        elif wire == 2:
            length, at = _varint(message, at)
            fields[number], at = message[at : at + length], at + length
        elif wire in (1, 5):
            at += 8 if wire == 1 else 4
        else:
            raise ValueError(f"protobuf wire type {wire}")
    return fields


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        if not byte & 0x80:
            return value, at
        shift += 7
