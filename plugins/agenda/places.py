"""Where an event takes place: coordinates from the site's geocoding service or the offline
gazetteer, distances and the bounding box of a "near" search."""

from __future__ import annotations

import json
import math
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING

from core import gazetteer

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def gazetteer_lookup(text: str):
    """The first place of the offline gazetteer matching a commune name or a postal code, if any."""
    try:
        places = gazetteer.lookup(text)
    except Exception:  # noqa: BLE001 (a broken gazetteer must not lose the form)
        return None
    return places[0] if places else None


def geocode(site: SiteRuntime, address: str, timeout: float = 5.0) -> tuple[float, float] | None:
    """Coordinates of an address from the site's geocoding service (server side, only when configured)."""
    settings = site.plugin_settings("agenda")
    service, base = settings.get("geocoder", "none"), (settings.get("geocoder_url") or "").rstrip("/")
    if service == "none" or not base or not address:
        return None
    if service == "nominatim":
        query = urllib.parse.urlencode({"q": address, "format": "json", "limit": 1})
        target = f"{base}/search?{query}"
    else:  # the French national address API (api-adresse.data.gouv.fr / data.geopf.fr)
        target = f"{base}/search/?{urllib.parse.urlencode({'q': address, 'limit': 1})}"
    request = urllib.request.Request(target, headers={"User-Agent": "maillage-agenda/1.0"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured by the admin)
            data = json.loads(response.read(1_000_000))
    except (OSError, ValueError):
        return None
    try:
        if service == "nominatim":
            return (float(data[0]["lat"]), float(data[0]["lon"])) if data else None
        features = data.get("features") or []
        if not features:
            return None
        lon, lat = features[0]["geometry"]["coordinates"][:2]
        return float(lat), float(lon)
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def locate(site: SiteRuntime, values: dict) -> None:
    """Fill missing coordinates: the geocoding service for an address, else the gazetteer for the commune."""
    clean = values["clean"]
    if clean.get("lat") is not None and clean.get("lon") is not None:
        return
    if values["address"]:
        found = geocode(site, ", ".join(v for v in (values["address"], values["postcode"], values["commune"]) if v))
        if found:
            clean["lat"], clean["lon"] = found
            return
    for text in (values["postcode"], values["commune"]):
        place = gazetteer_lookup(text) if text else None
        if place is not None:
            clean["lat"], clean["lon"] = place.lat, place.lon
            if not values["commune"]:
                values["commune"] = getattr(place, "name", "")
            return


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def bbox(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    dlat = km / 111.2
    dlon = km / (111.2 * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon

