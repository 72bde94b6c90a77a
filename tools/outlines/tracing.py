"""Re-trace an outline with our own vertices: follow a reference's edges, never keep one of its vertices."""

from __future__ import annotations

import shapely
from shapely.geometry import Polygon

SPACING_FRACTION = 1 / 14  # a re-traced ring gets about 14 vertices, at least 8
MIN_SPACING_M = 35.0
START_OFFSET = 0.37  # of one spacing: no vertex lands on the reference's first vertex
CLEARANCE_M = 3.0  # a traced vertex never lies this close to a vertex of what it traces


def retrace(geometry, spacing_m: float | None = None):
    """Return ``geometry`` (metric) re-drawn with vertices spaced along its rings, none of the originals.

    ``spacing_m`` is the distance between our vertices; by default about a fourteenth of each ring. Rings
    too short for four vertices at that spacing are dropped.
    """
    parts = []
    for part in getattr(geometry, "geoms", [geometry]):
        shell = _resample(part.exterior, spacing_m)
        if shell is None:
            continue
        holes = [h for h in (_resample(ring, spacing_m) for ring in part.interiors) if h is not None]
        parts.append(shapely.make_valid(Polygon(shell, holes)))
    return shapely.union_all(parts)


def _resample(ring, spacing_m: float | None):
    length = ring.length
    if spacing_m is not None and length < 4 * spacing_m:
        return None
    spacing = spacing_m or max(MIN_SPACING_M, length * SPACING_FRACTION)
    steps = max(8, int(length // spacing))
    step = length / steps
    originals = shapely.points(list(ring.coords))
    return [_off_originals(ring, ((START_OFFSET + i) * step) % length, originals) for i in range(steps)]


def _off_originals(ring, at: float, originals, clearance: float = CLEARANCE_M):
    """Return the point ``at`` metres along ``ring``, moved along it until no original vertex is that close."""
    for shift in (0.0, 2 * clearance, -2 * clearance, 4 * clearance, -4 * clearance):
        point = ring.interpolate((at + shift) % ring.length)
        if shapely.distance(originals, point).min() > clearance:
            return (point.x, point.y)
    return (point.x, point.y)
