"""The data sets the benchmark serves, and the queries it sends: bounding boxes of ~100 parks, feature ids."""

from __future__ import annotations

import json
import math
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import shapely

REPO = Path(__file__).resolve().parent.parent
SHIPPED_DIR = REPO / "data"
PARKS = "industrial-parks"
BOX_FEATURES = 100  # a box should cover about this many parks (the page size of the items query)
BOXES = 20  # distinct boxes per data set: the load cycles through them
IDS = 200  # distinct feature ids per data set
SEED = 20  # for the boxes and ids: the same queries in every run


@dataclass(frozen=True)
class DataSet:
    """A data directory and the queries sent to it."""

    label: str  # "shipped", "1,000", "20,000"
    parks: int  # number of industrial parks in it
    directory: Path
    boxes: tuple[tuple[float, float, float, float], ...]  # (minlon, minlat, maxlon, maxlat), CRS84
    ids: tuple[str, ...]  # park ids

    def items_queries(self) -> list[str]:
        """Return ``items?bbox=…&limit=100`` query strings, one per box."""
        return [f"items?bbox={','.join(f'{v:.5f}' for v in box)}&limit={BOX_FEATURES}" for box in self.boxes]


def prepare(sizes: tuple[int, ...], workdir: Path, hpmap: Path, timeout_s: float = 300) -> list[DataSet]:
    """Return the shipped data set and one synthetic set per size in ``sizes``, written by ``hpmap synth``."""
    sets = [describe("shipped", SHIPPED_DIR)]
    for size in sizes:
        target = workdir / f"synth-{size}"
        command = [str(hpmap), "synth", str(target), "--parks", str(size)]
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=timeout_s)
        sets.append(describe(f"{size:,}", target))
    return sets


def describe(label: str, directory: Path) -> DataSet:
    """Read the parks' outlines in ``directory`` and pick the boxes and ids the load will ask for."""
    ids, bounds = read_parks(directory / f"{PARKS}.geojson")
    rng = random.Random(SEED)
    centres = rng.sample(range(len(ids)), k=min(BOXES, len(ids)))
    boxes = tuple(box_around(bounds, index, BOX_FEATURES) for index in centres)
    chosen = tuple(rng.sample(ids, k=min(IDS, len(ids))))
    return DataSet(label=label, parks=len(ids), directory=directory, boxes=boxes, ids=chosen)


def read_parks(path: Path) -> tuple[list[str], np.ndarray]:
    """Return the park ids of a GeoJSON file and their bounds as an (n, 4) array."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    ids = [str(f["properties"]["id"]) for f in features]
    shapes = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
    return ids, shapely.bounds(shapes)


def box_around(bounds: np.ndarray, index: int, wanted: int) -> tuple[float, float, float, float]:
    """Return the smallest square box centred on feature ``index`` whose bounds meet ``wanted`` features' bounds.

    With fewer features than ``wanted``, the box covers them all. Found by bisection on the half-width (degrees).
    """
    wanted = min(wanted, len(bounds))
    x = (bounds[index, 0] + bounds[index, 2]) / 2
    y = (bounds[index, 1] + bounds[index, 3]) / 2
    span = max(bounds[:, 2].max() - bounds[:, 0].min(), bounds[:, 3].max() - bounds[:, 1].min())
    low, high = 0.0, float(span)  # half-widths: from any feature's centre, the span covers them all
    for _ in range(40):
        half = (low + high) / 2
        if count_meeting(bounds, (x - half, y - half, x + half, y + half)) >= wanted:
            high = half
        else:
            low = half
    # Rounded outwards to 5 decimals (about a metre), the precision of the query string.
    return (_floor5(x - high), _floor5(y - high), _ceil5(x + high), _ceil5(y + high))


def _floor5(value: float) -> float:
    return math.floor(value * 1e5) / 1e5


def _ceil5(value: float) -> float:
    return math.ceil(value * 1e5) / 1e5


def count_meeting(bounds: np.ndarray, box: tuple[float, float, float, float]) -> int:
    """Return how many of the bounds (n, 4) meet ``box``."""
    minx, miny, maxx, maxy = box
    meets = (bounds[:, 0] <= maxx) & (bounds[:, 2] >= minx) & (bounds[:, 1] <= maxy) & (bounds[:, 3] >= miny)
    return int(meets.sum())
