"""Plain geometry on lat/lon: distances, beats' polygons, where street lines cross.

The demo and a city's street file span a few kilometres, so an equirectangular projection
around the point in question is accurate to well under a metre for what dispatch needs.
"""

import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

logger = logging.getLogger(__name__)

EARTH_RADIUS_M = 6_371_000.0
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def degrees_around(lat: float, metres: float) -> tuple[float, float]:
    """(dlat, dlon) spanning `metres` at this latitude: a box for an index range scan."""
    dlat = metres / METRES_PER_DEGREE
    return dlat, dlat / max(math.cos(math.radians(lat)), 0.01)


def _ring_contains(ring: Sequence[Sequence[float]], x: float, y: float) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _polygons(geometry: dict | None) -> list:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry.get("coordinates") or []]
    if geometry.get("type") == "MultiPolygon":
        return geometry.get("coordinates") or []
    return []


def polygon_contains(geometry: dict | None, lon: float, lat: float) -> bool:
    """A GeoJSON Polygon or MultiPolygon (holes honoured) contains the point."""
    for rings in _polygons(geometry):
        if rings and _ring_contains(rings[0], lon, lat) and not any(
            _ring_contains(hole, lon, lat) for hole in rings[1:]
        ):
            return True
    return False


def bounds(geometry: dict | None) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of a polygon's outer rings."""
    points = [p for rings in _polygons(geometry) if rings for p in rings[0]]
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _ring_problem(ring: object) -> str | None:
    if not isinstance(ring, list) or len(ring) < 4:
        return "a ring is not a list of at least 4 [lon, lat] positions"
    for position in ring:
        if not isinstance(position, list) or len(position) < 2 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in position[:2]
        ):
            return "a position is not [lon, lat] numbers"
        if not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90):
            return "a position is outside lon -180..180, lat -90..90"
    return None


def _polygon_problem(rings: object) -> str | None:
    if not isinstance(rings, list) or not rings:
        return "a polygon is not a list of rings"
    for ring in rings:
        problem = _ring_problem(ring)
        if problem:
            return problem
    return None


def geometry_problem(geometry: object) -> str | None:
    """Why a beat's boundary is not a readable GeoJSON Polygon or MultiPolygon, or None when it is."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return "geometry is not a Polygon or MultiPolygon"
    coordinates = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        return _polygon_problem(coordinates)
    if not isinstance(coordinates, list) or not coordinates:
        return "a MultiPolygon is not a list of polygons"
    for rings in coordinates:
        problem = _polygon_problem(rings)
        if problem:
            return problem
    return None


class BeatLocator:
    """Which beat holds a point, for many points: the polygons are read once, boxes tried first.
    A beat whose boundary cannot be read is left out (and logged): no beat beats a failed call."""

    def __init__(self, beats: Iterable) -> None:
        self.beats = []
        for beat in beats:
            if not beat.boundary:
                continue
            problem = geometry_problem(beat.boundary)
            if problem:
                logger.warning("Beat %s left out of beat lookups: %s", beat, problem)
                continue
            self.beats.append((beat, bounds(beat.boundary)))

    def __call__(self, lat: float, lon: float):
        for beat, box in self.beats:
            if box and box[0] <= lon <= box[2] and box[1] <= lat <= box[3] and polygon_contains(
                beat.boundary, lon, lat
            ):
                return beat
        return None


@dataclass(frozen=True)
class Line:
    """A stretch of one street from (lat0, lon0) to (lat1, lon1)."""

    street_id: int
    lat0: float
    lon0: float
    lat1: float
    lon1: float


def _crossing(a: Line, b: Line) -> tuple[float, float] | None:
    """Where two stretches cross (ends included), or None."""
    rx, ry = a.lon1 - a.lon0, a.lat1 - a.lat0
    sx, sy = b.lon1 - b.lon0, b.lat1 - b.lat0
    denominator = rx * sy - ry * sx
    if abs(denominator) < 1e-18:
        return None
    qx, qy = b.lon0 - a.lon0, b.lat0 - a.lat0
    t = (qx * sy - qy * sx) / denominator
    u = (qx * ry - qy * rx) / denominator
    eps = 1e-9
    if -eps <= t <= 1 + eps and -eps <= u <= 1 + eps:
        return a.lat0 + t * ry, a.lon0 + t * rx
    return None


def crossings(lines: Sequence[Line], *, cell_deg: float = 0.002) -> dict[tuple[int, int], list]:
    """Every point where stretches of two different streets cross, by (street id, street id), the
    smaller id first. A grid of cells keeps the pairs tried to the stretches near each other."""
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        x0, x1 = sorted((line.lon0, line.lon1))
        y0, y1 = sorted((line.lat0, line.lat1))
        for cx in range(math.floor(x0 / cell_deg), math.floor(x1 / cell_deg) + 1):
            for cy in range(math.floor(y0 / cell_deg), math.floor(y1 / cell_deg) + 1):
                cells[(cx, cy)].append(index)
    found: dict[tuple[int, int], list] = defaultdict(list)
    tried: set[tuple[int, int]] = set()
    for members in cells.values():
        if len(members) < 2:
            continue
        for n, i in enumerate(members):
            a = lines[i]
            for j in members[n + 1:]:
                b = lines[j]
                if a.street_id == b.street_id:
                    continue
                pair = (i, j) if i < j else (j, i)
                if pair in tried:
                    continue
                tried.add(pair)
                point = _crossing(a, b)
                if point is not None:
                    key = (a.street_id, b.street_id) if a.street_id < b.street_id else (
                        b.street_id, a.street_id)
                    found[key].append(point)
    return found


def extended(line: Line, *, at_start: bool, metres: float) -> Line:
    """The stretch made longer at one end, so a street whose last house stands short of the
    corner still reaches the street it meets."""
    dlat, dlon = line.lat1 - line.lat0, line.lon1 - line.lon0
    length = distance_m(line.lat0, line.lon0, line.lat1, line.lon1)
    if length < 1:
        return line
    f = metres / length
    if at_start:
        return Line(line.street_id, line.lat0 - f * dlat, line.lon0 - f * dlon, line.lat1, line.lon1)
    return Line(line.street_id, line.lat0, line.lon0, line.lat1 + f * dlat, line.lon1 + f * dlon)


def cluster_centre(points: Sequence[tuple[float, float]], *, within_m: float = 120) -> tuple[float, float]:
    """The middle of the largest group of nearby points: two zig-zag lines cross a few times at
    one corner, and two streets that meet twice are named after one of their corners."""
    groups: list[list[tuple[float, float]]] = []
    for point in points:
        for group in groups:
            if distance_m(*group[0], *point) <= within_m:
                group.append(point)
                break
        else:
            groups.append([point])
    best = max(groups, key=len)
    return sum(p[0] for p in best) / len(best), sum(p[1] for p in best) / len(best)
