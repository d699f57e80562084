"""Offline gazetteer: French communes by name or postal code, distances and bounding boxes.

The data is a CSV shipped in ``core/data/`` (never downloaded at run time). The bundled file is a
curated set of the main communes of the example territory (Picardie: Aisne, Oise, Somme) with
their postal codes and town-centre coordinates. A site that needs all of France drops a larger
file with the same columns (``name,postcode,insee,department,lat,lon``) at
``$MAILLAGE_HOME/communes.csv`` (or gzipped ``communes.csv.gz``); it replaces the bundled one.
"""

from __future__ import annotations

import csv
import gzip
import math
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

EARTH_RADIUS_KM = 6371.0088
_BUNDLED = Path(__file__).parent / "data" / "communes_picardie.csv"


@dataclass(frozen=True)
class Place:
    name: str
    postcode: str
    insee: str
    department: str
    lat: float
    lon: float

    @property
    def label(self) -> str:
        return f"{self.name} ({self.postcode})"


def _fold(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: 'Saint-Quentin' ~ 'st quentin'."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("œ", "oe").replace("-", " ").replace("'", " ").replace("’", " ")
    words = " ".join(text.split())
    return words.replace("saint ", "st ").replace("sainte ", "ste ") if words else ""


def data_path() -> Path:
    home = os.environ.get("MAILLAGE_HOME")
    if home:
        for name in ("communes.csv.gz", "communes.csv"):
            candidate = Path(home) / name
            if candidate.exists():
                return candidate
    return _BUNDLED


@lru_cache(maxsize=2)
def _index(path: str) -> tuple[tuple[Place, ...], dict[str, tuple[Place, ...]]]:
    opener = gzip.open if path.endswith(".gz") else open
    places: list[Place] = []
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                places.append(Place(row["name"].strip(), row["postcode"].strip().zfill(5),
                                    (row.get("insee") or "").strip(), (row.get("department") or "").strip(),
                                    float(row["lat"]), float(row["lon"])))
            except (KeyError, ValueError):
                continue
    by_postcode: dict[str, list[Place]] = {}
    for place in places:
        by_postcode.setdefault(place.postcode, []).append(place)
    return tuple(places), {k: tuple(v) for k, v in by_postcode.items()}


def places() -> tuple[Place, ...]:
    return _index(str(data_path()))[0]


def lookup(text: str, limit: int = 10) -> list[Place]:
    """Communes matching a postal code (or its start) or a name (exact, then prefix, then contained).

    ``"80000"`` -> Amiens; ``"80"`` -> communes of the Somme; ``"amiens 80090"`` -> that one;
    ``"st quentin"`` and ``"Saint-Quentin"`` both find Saint-Quentin. Accents and case are ignored.
    """
    text = (text or "").strip()
    if not text:
        return []
    all_places, by_postcode = _index(str(data_path()))
    digits = "".join(c for c in text if c.isdigit())
    words = _fold("".join(c for c in text if not c.isdigit()))
    if digits:
        if len(digits) == 5 and digits in by_postcode:
            found = list(by_postcode[digits])
        else:
            found = [p for p in all_places if p.postcode.startswith(digits)]
        if words:
            found = [p for p in found if words in _fold(p.name)] or found
        return found[:limit]
    exact, prefix, inside = [], [], []
    for place in all_places:
        name = _fold(place.name)
        if name == words:
            exact.append(place)
        elif name.startswith(words):
            prefix.append(place)
        elif words in name:
            inside.append(place)
    return (exact + sorted(prefix, key=lambda p: p.name) + sorted(inside, key=lambda p: p.name))[:limit]


def distance_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def nearest(lat: float, lon: float) -> Place | None:
    """The commune of the gazetteer closest to a point (None when the gazetteer is empty)."""
    all_places = places()
    if not all_places:
        return None
    return min(all_places, key=lambda p: distance_km(lat, lon, p.lat, p.lon))


def bbox_around(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, min_lon, max_lat, max_lon) of a box containing the circle of ``km`` around a point."""
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    coslat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = math.degrees(km / (EARTH_RADIUS_KM * coslat))
    return (lat - dlat, lon - dlon, lat + dlat, lon + dlon)
