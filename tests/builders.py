"""Write small, real data directories for tests, and edit their files in place."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from shapely.geometry import box, mapping

from geo.model.catalog import LAYERS, REQUIRED_COLUMNS
from geo.model.files import (
    CONTACT_COLUMNS,
    CONTACTS_FILE,
    CONTEXT_COLUMNS,
    CONTEXT_FILE,
    FIGURE_COLUMNS,
    POSITION_COLUMNS,
    POSITIONS_FILE,
    SOURCE_COLUMNS,
)

# Economic zone kkt-a spans lon 106.60–106.70, lat 20.70–20.80 (about 10.4 km × 11.1 km).
ZONE_A = box(106.60, 20.70, 106.70, 20.80)
PARK_INSIDE = box(106.62, 20.72, 106.64, 20.74)
PARK_OVERLAP = box(106.63, 20.73, 106.65, 20.75)  # overlaps PARK_INSIDE by a quarter
PARK_STRADDLE = box(106.69, 20.76, 106.71, 20.78)  # half inside kkt-a
PARK_OUTSIDE = box(106.30, 20.90, 106.32, 20.92)


def _attributes(feature_id: str, name: str, kind: str, **extra) -> dict:
    row = {column: "" for column in REQUIRED_COLUMNS}
    row.update(
        {
            "id": feature_id,
            "name_vi": name,
            "name_en": name.replace("KCN", "IP"),
            "kind": kind,
            "status": "operating",
            "status_as_of": "2024-09",
            "status_detail": "",
            "former_province": "hai-phong",
            "sources": "src-a@2024-09",
        }
    )
    row.update(extra)
    return row


LAYER_FEATURES = {
    "economic-zones": [
        ("kkt-a", ZONE_A, "approximate", _attributes("kkt-a", "Khu kinh tế A", "economic_zone")),
    ],
    "industrial-parks": [
        (
            "kcn-trang-due",
            PARK_INSIDE,
            "traced",
            _attributes(
                "kcn-trang-due",
                "KCN Tràng Duệ",
                "industrial_park",
                zone_id="kkt-a",
                aliases="Trang Due; LG park",
                sectors="electronics",
                tenants="LG Display; LG Innotek",
            ),
        ),
        (
            "kcn-overlap",
            PARK_OVERLAP,
            "approximate",
            _attributes("kcn-overlap", "KCN Chồng Lấn", "industrial_park", status="planned", zone_id="kkt-a"),
        ),
        (
            "kcn-straddle",
            PARK_STRADDLE,
            "indicative",
            _attributes("kcn-straddle", "KCN Vắt Ngang", "industrial_park", status="under_construction"),
        ),
        (
            "kcn-outside",
            PARK_OUTSIDE,
            "indicative",
            _attributes("kcn-outside", "KCN Hải Dương", "industrial_park", former_province="hai-duong"),
        ),
    ],
    "industrial-clusters": [
        (
            "ccn-vinh-niem",
            box(106.66, 20.78, 106.665, 20.785),
            "indicative",
            _attributes("ccn-vinh-niem", "CCN Vĩnh Niệm", "industrial_cluster"),
        ),
    ],
    "ports": [
        (
            "port-lach-huyen",
            box(106.90, 20.78, 106.92, 20.80),
            "traced",
            _attributes("port-lach-huyen", "Cảng Lạch Huyện", "port_area"),
        ),
        (
            "port-nam-do-son",
            box(106.77, 20.62, 106.80, 20.64),
            "traced",
            _attributes("port-nam-do-son", "Cảng Nam Đồ Sơn", "port_area", status="planned"),
        ),
    ],
    "airports": [
        (
            "airport-cat-bi",
            box(106.715, 20.81, 106.73, 20.82),
            "approximate",
            _attributes("airport-cat-bi", "Cảng hàng không Cát Bi", "airport"),
        ),
        (
            "airport-tien-lang",
            box(106.64, 20.64, 106.67, 20.66),
            "indicative",
            _attributes("airport-tien-lang", "Cảng hàng không Tiên Lãng", "airport", status="planned"),
        ),
    ],
    "factories": [],  # the shipped data has no factory positions either; tests/test_factories.py adds some
}

UNCERTAINTY_M = {"traced": "50", "approximate": "500", "indicative": "3000"}  # position_uncertainty_m by quality

FIGURES = [
    # feature_id, field, value, as_of, sources, shown, verified, note
    ("kcn-trang-due", "area_ha", "490", "2014", "src-a", "yes", "yes", "phases 1 and 2"),
    ("kcn-trang-due", "area_ha", "600", "2020", "src-b", "no", "yes", "incl. urban area"),
    ("kcn-trang-due", "leasable_ha", "400", "2014", "src-a", "yes", "yes", ""),
    ("kcn-trang-due", "occupancy_pct", "75", "2015", "src-b", "yes", "yes", ""),
    ("kcn-overlap", "area_ha", "460", "2025", "src-b", "yes", "yes", ""),
    ("kkt-a", "area_ha", "11500", "2021", "src-a src-b", "yes", "no", ""),
]

# The city's boundary, a river and two places, all clear of the features above except where a test moves one.
PROVINCE = box(106.20, 20.55, 107.00, 21.00)
NEIGHBOUR = box(105.90, 20.55, 106.20, 21.00)  # a neighbouring province, west of the city
RIVER = box(106.50, 20.60, 106.52, 20.95)  # a straight north–south river, west of every feature
CONTEXT = [
    # id, kind, name_vi, name_en, geometry
    ("hai-phong", "province", "Thành phố Hải Phòng", "Hải Phòng city", PROVINCE),
    ("tinh-ben-canh", "neighbour", "Tỉnh Bên Cạnh", "Next-door province", NEIGHBOUR),
    ("song-thang", "river", "Sông Thẳng", "Thẳng river", RIVER),
    ("xa-trang-due", "place", "Xã Tràng Duệ", "Tràng Duệ commune", box(106.63, 20.73, 106.63, 20.73).centroid),
    ("xa-hai-duong", "place", "Xã Hải Dương", "Hải Dương commune", box(106.31, 20.91, 106.31, 20.91).centroid),
]


def _positions() -> list[dict]:
    """One cited map pin at the centre of every outline of LAYER_FEATURES, and the overlap that is sourced."""
    shared = PARK_INSIDE.intersection(PARK_OVERLAP).centroid
    rows = [
        dict(zip(POSITION_COLUMNS, ("kcn-overlap-shared", "kcn-overlap", "shared_land", f"{shared.x:.6f}",
                                    f"{shared.y:.6f}", "0", "high", "src-b", "2024",
                                    "the plan gives this land to both parks"), strict=True))
    ]  # fmt: skip
    for features in LAYER_FEATURES.values():
        for fid, shape, _, _ in features:
            centre = shape.centroid
            rows.append(
                dict(
                    zip(
                        POSITION_COLUMNS,
                        (f"{fid}-pin", fid, "map_pin", f"{centre.x:.6f}", f"{centre.y:.6f}", "50", "high",
                         "src-b", "2024", "the park's pin on a public map"),
                        strict=True,
                    )
                )
            )  # fmt: skip
    return rows


def context_collection() -> dict:
    """The context file's FeatureCollection: ``CONTEXT`` as GeoJSON."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                # No Vietnamese note (note_vi): the hand-made data is written as before the twins existed.
                "properties": dict(zip(CONTEXT_COLUMNS, (cid, kind, vi, en, "src-b@2024", ""), strict=False)),
                "geometry": mapping(shape),
            }
            for cid, kind, vi, en, shape in CONTEXT
        ],
    }


SOURCES = [
    ("src-a", "article", "003_54207b29853fc65d.txt", "Industry overview", "2024-09", "Báo Hải Phòng", "vi"),
    ("src-b", "web", "https://example.org/parks", "A web page", "", "", "en"),
]

# contacts.csv is optional (a directory without it has no contacts): ``write_contacts`` adds these.
CONTACTS = [
    # feature_id, role, name, website, phone, email, address, sources, as_of, note
    ("kcn-trang-due", "developer", "Công ty CP KCN Sài Gòn – Hải Phòng", "https://trangdue.example.vn",
     "0225 282 0182", "info@trangdue.example.vn", "Xã Lê Lợi, An Dương", "src-b", "2024", ""),
    ("kcn-trang-due", "management_board", "Ban Quản lý Khu kinh tế", "", "0225 383 6543", "", "", "src-a", "",
     "the page is undated"),
]  # fmt: skip


def write_contacts(directory: Path, rows: list[tuple] = CONTACTS) -> None:
    """Write ``contacts.csv`` (``CONTACT_COLUMNS`` tuples) into a data directory."""
    write_csv(directory / CONTACTS_FILE, CONTACT_COLUMNS, [dict(zip(CONTACT_COLUMNS, r, strict=True)) for r in rows])


def write_dataset(directory: Path) -> Path:
    """Write a complete, valid data directory to ``directory`` and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for spec in LAYERS:
        features = LAYER_FEATURES[spec.name]
        collection = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {
                        "id": fid,
                        "geometry_quality": quality,
                        "geometry_note": "",
                        "geometry_sources": "",
                        "position_uncertainty_m": UNCERTAINTY_M[quality],
                    },
                    "geometry": mapping(shape),
                }
                for fid, shape, quality, _ in features
            ],
        }
        (directory / spec.geometry_file).write_text(json.dumps(collection), encoding="utf-8")
        write_csv(directory / spec.attributes_file, list(REQUIRED_COLUMNS), [row for *_, row in features])
    write_csv(directory / "figures.csv", FIGURE_COLUMNS, [dict(zip(FIGURE_COLUMNS, f, strict=True)) for f in FIGURES])
    write_csv(directory / "sources.csv", SOURCE_COLUMNS, [dict(zip(SOURCE_COLUMNS, s, strict=True)) for s in SOURCES])
    write_csv(directory / POSITIONS_FILE, POSITION_COLUMNS, _positions())
    (directory / CONTEXT_FILE).write_text(json.dumps(context_collection()), encoding="utf-8")
    return directory


def remove_features(directory: Path, layer: str, ids: set[str]) -> None:
    """Remove the features ``ids`` of ``layer`` from a directory: outline, attributes, figures, positions, contacts."""
    edit_geojson(
        directory / f"{layer}.geojson",
        lambda doc: doc.update(features=[f for f in doc["features"] if f["properties"]["id"] not in ids]),
    )
    edit_csv(directory / f"{layer}.csv", lambda rows: [r for r in rows if r["id"] not in ids])
    for table in ("figures.csv", POSITIONS_FILE, CONTACTS_FILE):
        if (directory / table).exists():
            edit_csv(directory / table, lambda rows: [r for r in rows if r["feature_id"] not in ids])


def empty_layer(directory: Path, layer: str) -> None:
    """Remove every feature of ``layer`` from a data directory, with their figures and position evidence."""
    ids = {row["id"] for row in read_csv(directory / f"{layer}.csv")}
    remove_features(directory, layer, ids)


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    """Write ``rows`` as a UTF-8 CSV with ``columns`` as the header."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def read_csv(path: Path) -> list[dict]:
    """Read a CSV as a list of row dicts."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def edit_csv(path: Path, edit) -> None:
    """Apply ``edit(rows) -> rows`` to a CSV file, keeping its header."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, list(reader)
    write_csv(path, columns, edit(rows))


def add_column(path: Path, column: str, cell, after: str | None = None) -> None:
    """Add ``column`` to a CSV file, right after the column ``after`` (else last): ``cell(row)`` gives each cell."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns, rows = list(reader.fieldnames), list(reader)
    columns.insert(columns.index(after) + 1 if after else len(columns), column)
    write_csv(path, columns, [dict(row, **{column: cell(row)}) for row in rows])


def drop_positions(directory: Path, *feature_ids: str) -> None:
    """Remove the position records of ``feature_ids`` from ``positions.csv``: for tests that remove those features."""
    edit_csv(directory / POSITIONS_FILE, lambda rows: [r for r in rows if r["feature_id"] not in feature_ids])


def edit_geojson(path: Path, edit) -> None:
    """Apply ``edit(document)`` (in place) to a GeoJSON file."""
    document = json.loads(path.read_text(encoding="utf-8"))
    edit(document)
    path.write_text(json.dumps(document), encoding="utf-8")


def set_row(feature_id: str, **values):
    """Return an ``edit_csv`` function that sets ``values`` on the row of ``feature_id``."""

    def edit(rows):
        for row in rows:
            if row.get("id", row.get("feature_id")) == feature_id:
                row.update(values)
        return rows

    return edit


HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">KCN <script>window.__pwned=2</script>Độc'
HOSTILE_TEXT = '"><svg onload="window.__pwned=3"><b>bold</b>'
HOSTILE_WEB_PATH = '"><script>window.__pwned=5</script>'  # a valid web address (no space) that breaks out of href


def write_hostile_dataset(directory: Path) -> Path:
    """A valid data directory whose texts are markup and script: the app must show them as text."""
    write_dataset(directory)
    edit_csv(directory / "industrial-parks.csv", set_row(
        "kcn-trang-due", name_vi=HOSTILE_NAME, name_en=HOSTILE_NAME, aliases=f"trang due; {HOSTILE_TEXT}",
        status_detail=HOSTILE_TEXT, developer=HOSTILE_TEXT, tenants=HOSTILE_TEXT, sectors=HOSTILE_TEXT,
    ))  # fmt: skip
    edit_csv(directory / "sources.csv", set_row("src-b", location="javascript:window.__pwned=4", title=HOSTILE_TEXT))
    edit_csv(directory / "figures.csv", lambda rows: [dict(r, note=HOSTILE_TEXT) for r in rows])
    write_contacts(directory, [
        ("kcn-trang-due", "developer", HOSTILE_NAME, f"https://example.org/{HOSTILE_WEB_PATH}", HOSTILE_TEXT,
         "", HOSTILE_TEXT, "src-b", "2024", HOSTILE_TEXT),
    ])  # fmt: skip
    edit_geojson(directory / "industrial-parks.geojson", lambda d: [
        f["properties"].update(geometry_note=HOSTILE_TEXT, geometry_note_vi=HOSTILE_TEXT) for f in d["features"]
    ])  # fmt: skip
    for column in ("status_detail", "developer", "commune_2025", "sectors"):  # the Vietnamese pages' text too
        add_column(directory / "industrial-parks.csv", f"{column}_vi",
                   lambda row, column=column: HOSTILE_TEXT if row[column] else "", after=column)  # fmt: skip
    add_column(directory / "figures.csv", "note_vi", lambda row: HOSTILE_TEXT, after="note")
    return directory
