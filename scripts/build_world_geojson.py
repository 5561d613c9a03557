"""Build the offline world basemap ``data/world.geojson`` from the npm package ``world-atlas``.

What it does:

1. Runs ``npm pack world-atlas@<WORLD_ATLAS_VERSION>`` into a temporary directory (the npm
   registry is the only network access needed) and reads ``package/countries-110m.json``
   (TopoJSON, Natural Earth 1:110m admin-0 countries) straight out of the tarball.
2. Decodes the TopoJSON to GeoJSON in plain Python: quantized, delta-encoded arcs; arc
   references with ``~index`` meaning "this arc, reversed"; Polygon and MultiPolygon
   geometries; null geometries are skipped. Exterior rings are made counterclockwise and holes
   clockwise (RFC 7946 section 3.1.6), and rings that world-atlas stitched across the
   antimeridian (Russia, Fiji, Antarctica) are cut there again (section 3.1.9).
3. Writes an RFC 7946 FeatureCollection atomically (temp file in the target directory, then
   ``os.replace``) with one compact feature per line, so that diffs of the committed file stay
   reviewable. Each feature has the properties ``iso_a3`` (ISO 3166-1 alpha-3, via pycountry
   from the TopoJSON numeric ``id``; see ``NAME_TO_ISO_A3`` for the few features without one)
   and ``name`` (the TopoJSON's name).

Note on the data: Natural Earth draws borders by its de facto policy; in this edition Crimea is
part of the Russia feature, and Palestine is the West Bank only.

The point inside each country that the gazetteer uses comes from ``dashboard.geography.geometry``.

Usage::

    python scripts/build_world_geojson.py [--scale 110m|50m] [--out PATH]

``--scale 50m`` reads ``package/countries-50m.json`` instead and writes ``data/world-50m.geojson``: the finer
outlines the map shows from zoom 5 on (``dashboard.maps.basemap``), fetched by the browser as a static file.

Licences: the geometry is Natural Earth data, which is in the public domain; the ``world-atlas``
package (Mike Bostock) that converts it to TopoJSON is distributed under the ISC licence.

Dependencies: the standard library, pycountry and this project's package (run it with the project's
virtual environment: ``.venv/bin/python scripts/build_world_geojson.py``), plus ``npm`` for the download.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pycountry

from dashboard.files import atomic_write_text
from dashboard.geography.geometry import point_in_ring

WORLD_ATLAS_VERSION = "2.0.2"  # pinned: Natural Earth 4.1.0, 177 countries at 1:110m
TOPOJSON_MEMBER = "package/countries-110m.json"
TOPOJSON_OBJECT = "countries"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_OUT = DATA_DIR / "world.geojson"
# Scale -> (member of the tarball, default output). Both are quantized to a 0.0036 x 0.0017 degree grid.
SCALES: dict[str, tuple[str, Path]] = {
    "110m": (TOPOJSON_MEMBER, DEFAULT_OUT),
    "50m": ("package/countries-50m.json", DATA_DIR / "world-50m.geojson"),
}

# Coordinates are rounded to 3 decimals (~110 m at the equator). The 1:110m source is quantized
# to a 0.0036 x 0.0017 degree grid, so a 4th decimal would only add bytes, not detail.
COORD_PRECISION = 3

# Features in the 110m file that have no numeric ISO 3166-1 id (their TopoJSON ``id`` is
# missing), keyed by their TopoJSON name. Kosovo gets "XKX", the user-assigned code used by the
# European Commission, IMF and World Bank; N. Cyprus and Somaliland have no ISO code at all and
# get "" (they are drawn on the map but cannot be matched to events by ISO code).
NAME_TO_ISO_A3: dict[str, str] = {
    "Kosovo": "XKX",
    "N. Cyprus": "",
    "Somaliland": "",
    # Only at 1:50m: Christmas Island and the Cocos Islands as one feature (each has its own ISO code), and the
    # disputed Siachen Glacier.
    "Indian Ocean Ter.": "",
    "Siachen Glacier": "",
}

POLE_LATITUDE = 89.99  # a ring wholly beyond this runs along a pole

Point = tuple[float, float]  # (lon, lat) while decoding
Position = list[float]  # [lon, lat] in the output
Ring = list[Position]


# --------------------------------------------------------------------------------------------
# Download
# --------------------------------------------------------------------------------------------


def fetch_topology(
    version: str = WORLD_ATLAS_VERSION, member: str = TOPOJSON_MEMBER, package: str = "world-atlas"
) -> dict[str, Any]:
    """Download ``package@version`` with ``npm pack`` and return the parsed TopoJSON ``member``."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"npm was not found on PATH; it is needed to fetch {package}")
    with tempfile.TemporaryDirectory(prefix=f"{package}-") as tmp:
        subprocess.run(
            [npm, "pack", f"{package}@{version}", "--pack-destination", tmp, "--silent"],
            cwd=tmp,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tarballs = sorted(Path(tmp).glob(f"{package}-*.tgz"))
        if len(tarballs) != 1:
            raise RuntimeError(f"expected one {package} tarball in {tmp}, found {tarballs}")
        with tarfile.open(tarballs[0], "r:gz") as tar:
            package_json = tar.extractfile("package/package.json")
            if package_json is None:
                raise RuntimeError(f"package/package.json missing from the {package} tarball")
            got = json.load(package_json).get("version")
            if got != version:
                raise RuntimeError(f"npm returned {package} {got}, expected {version}")
            fh = tar.extractfile(member)
            if fh is None:
                raise RuntimeError(f"{member} is not a regular file in the {package} tarball")
            return json.load(fh)


# --------------------------------------------------------------------------------------------
# TopoJSON -> GeoJSON
# --------------------------------------------------------------------------------------------


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Return the topology's arcs as absolute (x, y) positions.

    With a ``transform`` the arcs are quantized and delta-encoded: each position after the first
    is an offset from the previous one, and ``x = x_q * scale[0] + translate[0]`` (same for y).
    """
    transform = topology.get("transform")
    decoded: list[list[Point]] = []
    if transform is None:
        for arc in topology["arcs"]:
            decoded.append([(float(p[0]), float(p[1])) for p in arc])
        return decoded
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    for arc in topology["arcs"]:
        x = y = 0
        points: list[Point] = []
        for p in arc:
            x += p[0]
            y += p[1]
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _arc_points(arcs: Sequence[list[Point]], index: int) -> list[Point]:
    """Arc ``index``; a negative index ``~i`` means arc ``i`` traversed backwards."""
    if index >= 0:
        return list(arcs[index])
    return list(reversed(arcs[~index]))


def _stitch_ring(arcs: Sequence[list[Point]], indices: Iterable[int]) -> list[Point]:
    """Join the arcs of one ring; consecutive arcs share their junction point, kept once."""
    ring: list[Point] = []
    for index in indices:
        points = _arc_points(arcs, index)
        ring.extend(points[1:] if ring else points)
    return ring


def ring_signed_area(ring: Sequence[Sequence[float]]) -> float:
    """Shoelace signed area in the (x, y) plane: positive for counterclockwise rings."""
    total = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        total += x1 * y2 - x2 * y1
    if ring and tuple(ring[0]) != tuple(ring[-1]):
        (x1, y1), (x2, y2) = ring[-1], ring[0]
        total += x1 * y2 - x2 * y1
    return total / 2.0


def _round(value: float, precision: int | None) -> float:
    if precision is None:
        return float(value)
    return round(value, precision) + 0.0  # "+ 0.0" turns -0.0 into 0.0


def _finish_ring(points: list[Point], precision: int | None, exterior: bool) -> Ring | None:
    """Round, drop repeated points, close, and orient a ring (None if it degenerates)."""
    ring: Ring = []
    for x, y in points:
        pos = [_round(x, precision), _round(y, precision)]
        if not ring or pos != ring[-1]:
            ring.append(pos)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    if len(ring) < 3:
        return None
    ring.append(list(ring[0]))
    # RFC 7946 section 3.1.6: exterior rings counterclockwise, holes clockwise. world-atlas follows
    # the d3-geo (spherical) convention, where exteriors are clockwise, so most rings get flipped.
    area = ring_signed_area(ring)
    if (exterior and area < 0) or (not exterior and area > 0):
        ring.reverse()
    return ring


def _crosses_antimeridian(ring: Sequence[Point]) -> bool:
    """True if some edge of the (closed or open) ring jumps by more than 180 degrees of longitude."""
    return any(abs(b[0] - a[0]) > 180.0 for a, b in itertools.pairwise([*ring, ring[0]]))


def _split_ring(ring: list[Point], s: float) -> tuple[list[list[Point]], list[list[Point]]]:
    """Split an open, counterclockwise, simple ring by the vertical line x = s.

    Returns (parts with x <= s, parts with x >= s), each an open counterclockwise ring. The ring
    is cut into chains that start and end on the line; chains of one side are then joined along
    the line (upwards for the left side, downwards for the right side, as the ring is CCW).
    """
    n = len(ring)
    pts: list[Point] = []
    for i in range(n):
        a, b = ring[i], ring[(i + 1) % n]
        pts.append(a)
        if (a[0] - s) * (b[0] - s) < 0:
            t = (s - a[0]) / (b[0] - a[0])
            pts.append((s, a[1] + t * (b[1] - a[1])))
    sides = [(p[0] > s) - (p[0] < s) for p in pts]
    if all(v <= 0 for v in sides):
        return [ring], []
    if all(v >= 0 for v in sides):
        return [], [ring]
    first = next(i for i, v in enumerate(sides) if v != 0)
    pts, sides = pts[first:] + pts[:first], sides[first:] + sides[:first]

    chains: list[tuple[int, list[Point]]] = []
    current, side = [pts[0]], sides[0]
    i, m = 1, len(pts)
    while i < m:
        if sides[i] != 0:  # same side as `side`: intersections were inserted at every switch
            current.append(pts[i])
            i += 1
            continue
        j = i
        while j < m and sides[j] == 0:
            j += 1
        next_side = sides[j] if j < m else sides[0]
        if next_side == side:  # the ring only touches the line here
            current.extend(pts[i:j])
        else:
            current.append(pts[i])
            chains.append((side, current))
            current, side = [pts[j - 1]], next_side
        i = j
    if not chains:  # touched the line but never crossed it
        return ([ring], []) if sides[0] < 0 else ([], [ring])
    chains[0] = (chains[0][0], current + chains[0][1])  # the walk started mid-chain

    result: tuple[list[list[Point]], list[list[Point]]] = ([], [])
    for want, out in ((-1, result[0]), (1, result[1])):
        mine = [c for v, c in chains if v == want]
        unused = set(range(len(mine)))
        while unused:
            head = min(unused)
            unused.remove(head)
            ring_out = list(mine[head])
            while True:
                end_y = ring_out[-1][1]
                options = [k for k in (*unused, head) if (mine[k][0][1] - end_y) * -want >= 0]
                if not options:
                    break
                nxt = min(options, key=lambda k: abs(mine[k][0][1] - end_y) + (k == head) * 1e-9)
                if nxt == head:
                    break
                ring_out.extend(mine[nxt])
                unused.remove(nxt)
            out.append(ring_out)
    return result


def cut_antimeridian(ring: Sequence[Point]) -> list[list[Point]]:
    """Cut a ring whose edges jump across the antimeridian into rings within [-180, 180].

    world-atlas builds its topology on the sphere, so Natural Earth's cuts at +-180 are stitched
    back together: Russia (Chukotka, Wrangel Island) and Fiji have edges from ~180 to -180, and
    Antarctica's ring goes once around the South Pole. Drawn on a flat map such edges become a
    stripe across the whole world, and RFC 7946 section 3.1.9 says to cut such geometries. The
    ring is unwrapped to continuous longitudes (a pole-encircling ring is closed along the pole),
    then clipped into 360-degree strips that are shifted back into [-180, 180].
    """
    pts = [(float(x), float(y)) for x, y in ring]
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    if not _crosses_antimeridian(pts):
        return [pts]
    closed = [*pts, pts[0]]
    unwrapped = [closed[0]]
    for (x0, _), (x1, y1) in itertools.pairwise(closed):
        d = x1 - x0
        d += -360.0 if d > 180.0 else 360.0 if d < -180.0 else 0.0
        unwrapped.append((unwrapped[-1][0] + d, y1))
    if abs(unwrapped[-1][0] - unwrapped[0][0]) > 180.0:
        # Goes round a pole: the last point is the first one shifted by 360 degrees; close the
        # ring along the pole (as Natural Earth does for Antarctica).
        pole = -90.0 if sum(y for _, y in pts) < 0 else 90.0
        unwrapped += [(unwrapped[-1][0], pole), (unwrapped[0][0], pole)]
    else:
        unwrapped.pop()  # back at the first point
    u: list[Point] = []
    for p in unwrapped:
        if not u or p != u[-1]:
            u.append(p)
    if ring_signed_area(u) < 0:
        u.reverse()
    xs = [x for x, _ in u]
    pieces: list[list[Point]] = []
    for k in range(math.floor((min(xs) + 180.0) / 360.0), math.floor((max(xs) + 180.0) / 360.0) + 1):
        lo, hi = -180.0 + 360.0 * k, 180.0 + 360.0 * k
        strip = [r for part in _split_ring(u, hi)[0] for r in _split_ring(part, lo)[1]]
        for r in strip:
            shifted = [(x - 360.0 * k, y) for x, y in r]
            if len(shifted) >= 3 and abs(ring_signed_area(shifted)) > 1e-12:
                pieces.append(shifted)
    return pieces


def _polygons(
    arcs: Sequence[list[Point]], rings: Sequence[Sequence[int]], precision: int | None
) -> list[list[Ring]]:
    """One TopoJSON polygon (list of arc-index rings) -> GeoJSON polygons (several if it is cut)."""
    if not rings:
        return []
    if len(rings) > 1 and all(abs(y) > POLE_LATITUDE for _, y in _stitch_ring(arcs, rings[0])):
        # 1:50m Antarctica: on the sphere its exterior ring is the South Pole itself (no area, all along -90)
        # and the coast is a "hole" in it. On a flat map the land is bounded by the coast, closed along the pole.
        rings = rings[1:]
    exteriors = cut_antimeridian(_stitch_ring(arcs, rings[0]))
    holes: list[list[Point]] = []
    for indices in rings[1:]:
        hole = _stitch_ring(arcs, indices)
        if _crosses_antimeridian(hole):
            raise ValueError("holes crossing the antimeridian are not supported")
        holes.append(hole)
    polygons: list[list[Ring]] = []
    for exterior in exteriors:
        ring = _finish_ring(exterior, precision, exterior=True)
        if ring is None:
            continue
        polygon = [ring]
        for hole in holes:
            if len(exteriors) == 1 or point_in_ring(hole[0][0], hole[0][1], exterior):
                finished = _finish_ring(hole, precision, exterior=False)
                if finished is not None:  # a degenerate hole is simply dropped
                    polygon.append(finished)
        polygons.append(polygon)
    return polygons


def geometry_to_geojson(
    geometry: dict[str, Any], arcs: Sequence[list[Point]], precision: int | None = COORD_PRECISION
) -> dict[str, Any] | None:
    """Convert one TopoJSON Polygon/MultiPolygon geometry; None for null/empty geometries."""
    kind = geometry.get("type")
    if kind in ("Polygon", "MultiPolygon"):
        parts = [geometry["arcs"]] if kind == "Polygon" else geometry["arcs"]
        polygons = [p for part in parts for p in _polygons(arcs, part, precision)]
        if not polygons:
            return None
        if len(polygons) == 1:
            return {"type": "Polygon", "coordinates": polygons[0]}
        return {"type": "MultiPolygon", "coordinates": polygons}
    if kind is None:
        return None
    raise ValueError(f"unsupported TopoJSON geometry type for a country layer: {kind!r}")


def iso_a3_for(topo_id: str | int | None, name: str) -> str:
    """ISO 3166-1 alpha-3 for a TopoJSON numeric id, or the explicit fallback by name (else "")."""
    if topo_id is not None:
        country = pycountry.countries.get(numeric=f"{int(topo_id):03d}")
        if country is not None:
            return str(country.alpha_3)
    if name in NAME_TO_ISO_A3:
        return NAME_TO_ISO_A3[name]
    print(f"warning: no ISO 3166-1 alpha-3 for id={topo_id!r} name={name!r}", file=sys.stderr)
    return ""


def topology_to_geojson(
    topology: dict[str, Any], object_name: str = TOPOJSON_OBJECT, precision: int | None = COORD_PRECISION
) -> dict[str, Any]:
    """Convert the GeometryCollection ``object_name`` of a TopoJSON topology to a FeatureCollection."""
    arcs = decode_arcs(topology)
    collection = topology["objects"][object_name]
    geometries = collection["geometries"] if collection.get("type") == "GeometryCollection" else [collection]
    features: list[dict[str, Any]] = []
    for geom in geometries:
        geometry = geometry_to_geojson(geom, arcs, precision)
        if geometry is None:
            continue
        name = str((geom.get("properties") or {}).get("name", ""))
        features.append(
            {
                "type": "Feature",
                "properties": {"iso_a3": iso_a3_for(geom.get("id"), name), "name": name},
                "geometry": geometry,
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def dumps_feature_collection(collection: dict[str, Any]) -> str:
    """Compact JSON, but with one feature per line so diffs of the committed file stay readable."""

    def compact(obj: Any) -> str:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)

    head = {k: v for k, v in collection.items() if k != "features"}
    lines = [compact(feature) for feature in collection["features"]]
    prefix = compact(head)[:-1] + ("," if head else "") + '"features":['
    return prefix + "\n" + ",\n".join(lines) + "\n]}\n"


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", choices=sorted(SCALES), default="110m", help="Natural Earth scale (default: 110m)")
    parser.add_argument("--out", type=Path, help="output path (default: data/world.geojson, data/world-50m.geojson)")
    args = parser.parse_args(argv)
    member, default_out = SCALES[args.scale]
    args.out = args.out or default_out
    topology = fetch_topology(member=member)
    collection = topology_to_geojson(topology)
    text = dumps_feature_collection(collection)
    atomic_write_text(args.out, text)
    print(f"wrote {args.out}: {len(collection['features'])} features, {len(text.encode('utf-8'))} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
