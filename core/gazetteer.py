"""Offline gazetteer: French communes by name or postal code, distances and bounding boxes.

The data ships in ``core/data/communes_france.csv.gz`` (never downloaded at run time): every
current French commune with its postal codes, INSEE code, département, population and
coordinates, built by ``scripts/build_gazetteer.py`` from INSEE's official list (Etalab) and
GeoNames' postal places (CC BY 4.0). A site that needs another country or finer points drops a
file with the same columns (``name,postcode,insee,department,lat,lon[,population]``) at
``$MAILLAGE_HOME/communes.csv`` (or gzipped ``communes.csv.gz``); it replaces the bundled one.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

EARTH_RADIUS_KM = 6371.0088
_BUNDLED = Path(__file__).parent / "data" / "communes_france.csv.gz"


@dataclass(frozen=True)
class Place:
    name: str
    postcode: str
    insee: str
    department: str
    lat: float
    lon: float
    population: int = field(default=0, compare=False)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.postcode})"


_POSTCODE = re.compile(r"(?<!\d)\d{2,5}(?!\d)")


def _fold(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: 'Saint-Quentin' ~ 'st quentin'."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("œ", "oe").replace("-", " ").replace("'", " ").replace("’", " ")
    words = " ".join(text.split())
    return words.replace("saint ", "st ").replace("sainte ", "ste ") if words else ""


def data_path() -> Path:
    """The gazetteer file in use: the site's ``$MAILLAGE_HOME/communes.csv[.gz]`` or the bundled one."""
    home = os.environ.get("MAILLAGE_HOME")
    if home:
        for name in ("communes.csv.gz", "communes.csv"):
            candidate = Path(home) / name
            if candidate.exists():
                return candidate
    return _BUNDLED


@dataclass(frozen=True)
class _Index:
    places: tuple[Place, ...]  # by postal code
    by_postcode: dict[str, tuple[Place, ...]]
    by_lat: tuple[Place, ...]  # sorted by latitude, for ``nearest``
    lats: tuple[float, ...]
    names: tuple[tuple[str, Place], ...]  # (folded name, place) sorted, for exact and prefix lookups


@lru_cache(maxsize=2)
def _index(path: str) -> _Index:
    opener = gzip.open if path.endswith(".gz") else open
    found: list[Place] = []
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                found.append(Place(row["name"].strip(), row["postcode"].strip().zfill(5),
                                   (row.get("insee") or "").strip(), (row.get("department") or "").strip(),
                                   float(row["lat"]), float(row["lon"]), int(row.get("population") or 0)))
            except (KeyError, ValueError):
                continue
    found.sort(key=lambda p: (p.postcode, -p.population, p.name))
    by_postcode: dict[str, list[Place]] = {}
    for place in found:
        by_postcode.setdefault(place.postcode, []).append(place)
    by_lat = tuple(sorted(found, key=lambda p: p.lat))
    names = tuple(sorted(((_fold(p.name), p) for p in found), key=lambda pair: pair[0]))
    return _Index(tuple(found), {k: tuple(v) for k, v in by_postcode.items()}, by_lat,
                  tuple(p.lat for p in by_lat), names)


def places() -> tuple[Place, ...]:
    """Every place of the gazetteer, ordered by postal code."""
    return _index(str(data_path())).places


def within(bounds) -> list[Place]:
    """The places inside ``[[south, west], [north, east]]`` (a site's ``[territory] bounds``)."""
    (south, west), (north, east) = bounds
    return [p for p in places() if south <= p.lat <= north and west <= p.lon <= east]


def lookup(text: str, limit: int = 10) -> list[Place]:
    """Communes matching a postal code (or its start) or a name (exact, then prefix, then contained).

    ``"80000"`` -> Amiens; ``"80"`` -> communes of the Somme; ``"amiens 80090"`` -> that one;
    ``"st quentin"`` and ``"Saint-Quentin"`` both find Saint-Quentin. Accents and case are ignored. Other
    digits belong to the name (``"Marseille 1er"``): a lone digit in random text is no postal code.
    Among communes of the same name, the most populated comes first (Péronne in the Somme
    before Péronne in Saône-et-Loire); a postal code in the text decides.
    """
    text = (text or "").strip()
    if not text:
        return []
    index = _index(str(data_path()))
    code = _POSTCODE.search(text)  # two to five digits standing alone: a postal code or its start
    digits = code.group() if code else ""
    words = _fold(text[:code.start()] + " " + text[code.end():]) if code else _fold(text)
    if not digits and not words:
        return []
    if digits:
        if len(digits) == 5 and digits in index.by_postcode:
            found = list(index.by_postcode[digits])
        else:
            found = [p for p in index.places if p.postcode.startswith(digits)]
        if words:
            found = [p for p in found if words in _fold(p.name)] or found
        return found[:limit]
    start = bisect.bisect_left(index.names, (words,), key=lambda pair: (pair[0],))
    exact, prefix = [], []
    for name, place in index.names[start:]:
        if not name.startswith(words):
            break
        (exact if name == words else prefix).append(place)
    exact = _one_per_commune(sorted(exact, key=lambda p: -p.population))
    prefix = _one_per_commune(sorted(prefix, key=lambda p: (-p.population, p.name)))
    inside = []
    if not exact and len(prefix) < limit:  # only then scan every name for the word inside
        inside = _one_per_commune(sorted((p for name, p in index.names if words in name and not
                                          name.startswith(words)), key=lambda p: (-p.population, p.name)))
    return (exact + prefix + inside)[:limit]


def _one_per_commune(found: list[Place]) -> list[Place]:
    """A name search lists a commune once, not once per postal code (Lille has five)."""
    seen, kept = set(), []
    for place in found:
        key = place.insee or (place.name, place.department)
        if key not in seen:
            seen.add(key)
            kept.append(place)
    return kept


def distance_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def nearest(lat: float, lon: float) -> Place | None:
    """The commune of the gazetteer closest to a point (None when the gazetteer is empty).

    Looks in a band of latitudes around the point first (places are kept sorted by latitude),
    widening it until the band is wider than the best distance found.
    """
    index = _index(str(data_path()))
    if not index.places:
        return None
    best, best_d, band = None, math.inf, 0.1
    while True:
        lo = bisect.bisect_left(index.lats, lat - band)
        hi = bisect.bisect_right(index.lats, lat + band)
        for place in index.by_lat[lo:hi]:
            d = distance_km(lat, lon, place.lat, place.lon)
            if d < best_d:
                best, best_d = place, d
        covered = math.radians(band) * EARTH_RADIUS_KM
        if best_d <= covered or (lo == 0 and hi == len(index.by_lat)):
            return best
        band *= 4


def bbox_around(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, min_lon, max_lat, max_lon) of a box containing the circle of ``km`` around a point."""
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    coslat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = math.degrees(km / (EARTH_RADIUS_KM * coslat))
    return (lat - dlat, lon - dlon, lat + dlat, lon + dlon)
