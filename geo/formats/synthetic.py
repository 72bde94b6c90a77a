"""A large synthetic data set for scale tests: the real zones, clusters, ports and airports plus
tens of thousands of made-up park and plot outlines around Hải Phòng, and factory points inside them.

Every synthetic feature says it is synthetic (its id, its names, its source), so the data set can
never be mistaken for the real one. Same seed, same files.
"""

from __future__ import annotations

import csv
import json
import math
import random
import shutil
from pathlib import Path

from shapely.geometry import Point, box, mapping

from geo.model.catalog import METRIC_CRS, REQUIRED_COLUMNS, STATUSES, WEB_CRS
from geo.model.files import (
    CONTACT_COLUMNS,
    CONTACTS_FILE,
    CONTEXT_FILE,
    FIGURE_COLUMNS,
    POSITION_COLUMNS,
    POSITIONS_FILE,
    SOURCE_COLUMNS,
)

SYNTH_SOURCE = "synthetic"
PARKS = "industrial-parks"
FACTORIES = "factories"
FACTORIES_PER_PARK = 3  # default: this many factory points per synthetic park
FACTORY_INSET = 0.05  # share of a park's width and height kept free along its edges: points lie well inside
# The populated lowlands between Hải Dương and the coast (lon, lat): where the synthetic outlines go.
SYNTH_BOUNDS = (106.15, 20.60, 106.95, 21.05)
SIZE_HA = (2.0, 80.0)  # plots and small parks
# Synthetic parks are scattered without regard to the water and the neighbouring provinces: the context
# keeps only the city and its places, so the placement checks judge them as the made-up places they are.
CONTEXT_KEPT = ("province", "place")


def write_synthetic_dataset(
    source_dir: Path, target_dir: Path, count: int, seed: int = 1, factories: int | None = None
) -> Path:
    """Write ``target_dir``: ``source_dir``'s layers, with ``count`` synthetic parks and their factories instead.

    ``factories`` is the number of factory points, ``FACTORIES_PER_PARK`` per park by default; they
    are shared out over the parks in turn, each inside its park (its ``parent_id``).
    """
    factories = FACTORIES_PER_PARK * count if factories is None else factories
    target_dir.mkdir(parents=True, exist_ok=True)
    for path in source_dir.iterdir():
        if path.suffix in (".geojson", ".csv") and path.stem not in (PARKS, FACTORIES) and path.name not in (
            POSITIONS_FILE, CONTEXT_FILE
        ):
            shutil.copyfile(path, target_dir / path.name)
    parks = list(synthetic_parks(count, seed))
    points = list(synthetic_factories(parks, factories, seed))
    _write_geometry(target_dir / f"{PARKS}.geojson", PARKS, parks)
    _write_rows(target_dir / f"{PARKS}.csv", list(REQUIRED_COLUMNS), [_attributes(p) for p in parks])
    _write_geometry(target_dir / f"{FACTORIES}.geojson", FACTORIES, points)
    _write_rows(target_dir / f"{FACTORIES}.csv", list(REQUIRED_COLUMNS), [_factory_attributes(f) for f in points])
    _keep_figures_of_other_layers(target_dir / "figures.csv", source_dir, parks)
    _keep_contacts_of_other_layers(target_dir / CONTACTS_FILE, source_dir)
    _write_positions(target_dir / POSITIONS_FILE, source_dir, parks)
    _write_context(target_dir / CONTEXT_FILE, source_dir)
    _add_source(target_dir / "sources.csv", seed, count, factories)
    return target_dir


def _replaced_ids(source_dir: Path) -> set[str]:
    """The ids of the real parks and factories, which the synthetic ones replace."""
    replaced = set()
    for layer in (PARKS, FACTORIES):
        path = source_dir / f"{layer}.csv"
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                replaced |= {row["id"] for row in csv.DictReader(handle)}
    return replaced


def _write_positions(positions_path: Path, source_dir: Path, parks: list[dict]) -> None:
    """Keep the evidence of the real features that stay; each synthetic park is 'evidenced' at its centre."""
    replaced = _replaced_ids(source_dir)
    with (source_dir / POSITIONS_FILE).open(encoding="utf-8", newline="") as handle:
        kept = [row for row in csv.DictReader(handle) if row["feature_id"] not in replaced]
    synthetic = [
        dict(zip(POSITION_COLUMNS, (f"{p['id']}-synthetic", p["id"], "synthetic", f"{p['shape'].centroid.x:.6f}",
                                    f"{p['shape'].centroid.y:.6f}", "0", "high", SYNTH_SOURCE, "2026",
                                    "made up with the outline"), strict=True))
        for p in parks
    ]  # fmt: skip
    _write_rows(positions_path, POSITION_COLUMNS, kept + _noted_in_vietnamese(synthetic, kept, "tạo ra cùng ranh giới"))


def _write_context(context_path: Path, source_dir: Path) -> None:
    document = json.loads((source_dir / CONTEXT_FILE).read_text(encoding="utf-8"))
    document["features"] = [f for f in document["features"] if f["properties"]["kind"] in CONTEXT_KEPT]
    context_path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def synthetic_parks(count: int, seed: int):
    """Yield ``count`` synthetic parks: id, status, area and a lon/lat rectangle that does not overlap the others."""
    rng = random.Random(seed)
    lon0, lat0, lon1, lat1 = SYNTH_BOUNDS
    columns = math.ceil(math.sqrt(count * (lon1 - lon0) / (lat1 - lat0)))
    rows = math.ceil(count / columns)
    cell_w, cell_h = (lon1 - lon0) / columns, (lat1 - lat0) / rows
    metres_per_degree_lat = 110_574.0
    metres_per_degree_lon = 111_320.0 * math.cos(math.radians((lat0 + lat1) / 2))
    for index in range(count):
        col, row = index % columns, index // columns
        area_ha = rng.uniform(*SIZE_HA)
        aspect = rng.uniform(0.6, 1.6)
        width = min(math.sqrt(area_ha * 10_000 * aspect) / metres_per_degree_lon, cell_w * 0.9)
        height = min(area_ha * 10_000 / (width * metres_per_degree_lon) / metres_per_degree_lat, cell_h * 0.9)
        x = lon0 + col * cell_w + rng.uniform(0, cell_w - width)
        y = lat0 + row * cell_h + rng.uniform(0, cell_h - height)
        yield {
            "id": f"synth-park-{index + 1:06d}",
            "status": rng.choice(STATUSES),
            "shape": box(round(x, 6), round(y, 6), round(x + width, 6), round(y + height, 6)),
        }


def synthetic_factories(parks: list[dict], count: int, seed: int):
    """Yield ``count`` synthetic factories: id, parent park id, status and a lon/lat point inside the park.

    Factory ``k`` stands in park ``k mod len(parks)``, at a random place away from the park's edges.
    The random stream is not the parks' own: the parks of a seed are the same whatever ``count``.
    """
    rng = random.Random(f"{seed}-factories")  # a str seed is hashed with SHA-512: the same in every run
    for index in range(count if parks else 0):
        park = parks[index % len(parks)]
        minx, miny, maxx, maxy = park["shape"].bounds
        dx, dy = (maxx - minx) * FACTORY_INSET, (maxy - miny) * FACTORY_INSET
        x, y = rng.uniform(minx + dx, maxx - dx), rng.uniform(miny + dy, maxy - dy)
        yield {
            "id": f"synth-factory-{index + 1:06d}",
            "parent_id": park["id"],
            "status": park["status"],
            "shape": Point(round(x, 6), round(y, 6)),
        }


_NOTES = {
    "Polygon": "Synthetic outline for scale tests; not a real place.",
    "Point": "Synthetic position for scale tests; not a real place.",
}


def _write_geometry(path: Path, name: str, features: list[dict]) -> None:
    collection = [
        {
            "type": "Feature",
            "properties": {
                "id": f["id"],
                "geometry_quality": "indicative",
                "geometry_sources": SYNTH_SOURCE,
                "geometry_note": _NOTES[f["shape"].geom_type],
                "position_uncertainty_m": "0",
            },  # fmt: skip
            "geometry": mapping(f["shape"]),
        }
        for f in features
    ]
    document = {"type": "FeatureCollection", "name": name, "features": collection}
    path.write_text(json.dumps(document), encoding="utf-8")


def _attributes(park: dict) -> dict:
    number = int(park["id"].rsplit("-", 1)[1])
    row = dict.fromkeys(REQUIRED_COLUMNS, "")
    row.update({
        "id": park["id"], "name_vi": f"Khu thử nghiệm {number}", "name_en": f"Synthetic park {number}",
        "kind": "industrial_park", "status": park["status"], "status_as_of": "2026",
        "former_province": "hai-phong", "sources": f"{SYNTH_SOURCE}@2026",
    })  # fmt: skip
    return row


def _factory_attributes(factory: dict) -> dict:
    number = int(factory["id"].rsplit("-", 1)[1])
    row = dict.fromkeys(REQUIRED_COLUMNS, "")
    row.update({
        "id": factory["id"], "name_vi": f"Nhà máy thử nghiệm {number}", "name_en": f"Synthetic factory {number}",
        "kind": "factory", "status": factory["status"], "status_as_of": "2026", "parent_id": factory["parent_id"],
        "former_province": "hai-phong", "sources": f"{SYNTH_SOURCE}@2026",
    })  # fmt: skip
    return row


def _keep_figures_of_other_layers(figures_path: Path, source_dir: Path, parks: list[dict]) -> None:
    replaced = _replaced_ids(source_dir)  # their figures go with them
    with figures_path.open(encoding="utf-8", newline="") as handle:
        kept = [row for row in csv.DictReader(handle) if row["feature_id"] not in replaced]
    import geopandas as gpd

    areas = gpd.GeoSeries([p["shape"] for p in parks], crs=WEB_CRS).to_crs(METRIC_CRS).area / 10_000
    synthetic = [
        {
            "feature_id": p["id"],
            "field": "area_ha",
            "value": f"{area:.2f}",
            "as_of": "2026",
            "sources": SYNTH_SOURCE,
            "shown": "yes",
            "verified": "yes",
            "note": "synthetic",
        }  # fmt: skip
        for p, area in zip(parks, areas, strict=True)
    ]
    _write_rows(figures_path, FIGURE_COLUMNS, kept + _noted_in_vietnamese(synthetic, kept, "tổng hợp"))


def _keep_contacts_of_other_layers(contacts_path: Path, source_dir: Path) -> None:
    if not contacts_path.exists():  # a data directory without contacts
        return
    replaced = _replaced_ids(source_dir)  # the real parks' contacts go with them
    with contacts_path.open(encoding="utf-8", newline="") as handle:
        kept = [row for row in csv.DictReader(handle) if row["feature_id"] not in replaced]
    _write_rows(contacts_path, CONTACT_COLUMNS, kept)


def _add_source(sources_path: Path, seed: int, count: int, factories: int) -> None:
    with sources_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    command = f"hpmap synth --parks {count}"
    if factories != FACTORIES_PER_PARK * count:
        command += f" --factories {factories}"
    rows.append({"id": SYNTH_SOURCE, "kind": "synthetic", "location": f"{command} --seed {seed}",
                 "title": "Synthetic outlines and positions for scale tests (not real places)",
                 "published": "2026"})  # fmt: skip
    _write_rows(sources_path, SOURCE_COLUMNS, rows)


def _noted_in_vietnamese(rows: list[dict], kept: list[dict], note_vi: str) -> list[dict]:
    # Where the kept rows have Vietnamese notes (note_vi), the synthetic ones get theirs too: a file half
    # translated would be reported.
    return [dict(row, note_vi=note_vi) for row in rows] if kept and "note_vi" in kept[0] else rows


def _write_rows(path: Path, columns, rows: list[dict]) -> None:
    # ``columns`` first, then any other column the kept rows have (a Vietnamese note, a column of the user's).
    columns = list(dict.fromkeys([*columns, *(key for row in rows for key in row)]))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
