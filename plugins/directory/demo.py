"""Demo and bench data: cards spread around the communes of the site's territory, bulk inserted."""

from __future__ import annotations

import itertools
import math
import random
from typing import TYPE_CHECKING

from core import gazetteer, search
from core.db import database, now
from core.models import Entity
from core.search import SearchDocument
from plugins.directory import grid
from plugins.directory.cards import theme_keys
from plugins.directory.models import Organisation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

KIND = "directory.organisation"
WORDS = ("Amicale", "Association", "Club", "Comité", "Foyer", "Union", "Cercle", "Collectif")
TOPICS = ("sportive", "des parents d'élèves", "de randonnée", "culturelle", "des aînés", "de musique",
          "de théâtre", "solidaire", "du patrimoine", "de pêche")


def territory_places(site: SiteRuntime) -> list:
    """The gazetteer's communes inside the site's ``[territory] bounds`` (all of them without bounds)."""
    bounds = (site.config.territory or {}).get("bounds")
    return gazetteer.within(bounds) if bounds else list(gazetteer.places())


def bulk_cards(site: SiteRuntime, count: int, rng: random.Random, themes=(), batch: int = 1000, places=None) -> int:
    """Insert ``count`` public cards around ``places`` (default: the site's territory), about 5 km
    from a commune's centre; towns get more cards than villages (weight: square root of population)."""
    places = places if places is not None else territory_places(site)
    weights = list(itertools.accumulate(math.sqrt(p.population) + 1 for p in places))
    stamp = now()
    made = 0
    with database.atomic():
        while made < count:
            n = min(batch, count - made)
            picks = rng.choices(places, cum_weights=weights, k=n)
            names = [f"{rng.choice(WORDS)} {rng.choice(TOPICS)} de {p.name}" for p in picks]
            first = Entity.insert_many([{"site": site.id, "kind": KIND, "owner": None, "access": "public",
                                         "title": name, "created": stamp, "updated": stamp} for name in names])
            first.execute()
            guids = [g for (g,) in Entity.select(Entity.guid).where(Entity.site == site.id, Entity.kind == KIND)
                     .order_by(Entity.guid.desc()).limit(n).tuples()][::-1]
            rows = []
            for guid, place in zip(guids, picks, strict=True):
                theme = rng.choice(themes) if themes else ""
                rows.append({"entity": guid, "commune": place.name, "postcode": place.postcode,
                             "lat": place.lat + rng.gauss(0, 0.05), "lon": place.lon + rng.gauss(0, 0.07),
                             "themes": f"|{theme}|" if theme else "", "claimed": False})
            Organisation.insert_many(rows).execute()
            # indexed for the search box (the text maillage_search_documents gives for such a card)
            SearchDocument.insert_many([
                {"entity": guid, "site": site.id, "kind": KIND, "title": search.fold(name),
                 "body": search.fold(f"{place.name} {place.postcode}")}
                for guid, name, place in zip(guids, names, picks, strict=True)]).execute()
            made += n
    grid.rebuild(site)  # the map's clusters, at once rather than at the first map request
    return made


def generate(site: SiteRuntime, scale, rng):
    themes = sorted(theme_keys(site))
    bulk_cards(site, 34000 if scale == "region" else 12, rng, themes)
