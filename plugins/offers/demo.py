"""Demo ads: a dozen at small scale (some by organisations of the directory); at region scale 20,000,
inserted in bulk around the communes of the site's territory (the data of bench/bench_offers.py)."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import TYPE_CHECKING

from core import gazetteer
from core.db import database, now
from core.models import Account, Activity, Entity
from core.search import SearchDocument, fold
from plugins.offers import ads
from plugins.offers.models import Ad

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

REGION_ADS = 20_000
BATCH = 1000
SAMPLES = [
    ("need", "volunteers", "Bénévoles pour la fête du jardin", "Nous cherchons **cinq bénévoles** pour l'accueil et la buvette, samedi après-midi.", 5),
    ("offer", "equipment", "Prêt de barnums et de tables", "Trois barnums 3 × 3 m et vingt tables pliantes, à venir chercher.", 3),
    ("need", "premises", "Une salle pour nos répétitions", "Chorale de quarante personnes cherche une salle le mardi soir.", None),
    ("offer", "skills", "Aide à la comptabilité associative", "Trésorier retraité, j'aide les petites associations à tenir leurs comptes.", None),
    ("need", "job", "Service civique : animation nature", "Mission de huit mois auprès des écoles du secteur.", 1),
    ("offer", "volunteers", "Bénévole disponible le week-end", "Je peux donner un coup de main pour vos événements sportifs.", None),
    ("need", "equipment", "Un vidéoprojecteur pour un ciné-débat", "Prêt d'un soir, rendu le lendemain.", 1),
    ("offer", "premises", "Salle de réunion à partager", "Une salle de vingt places libre en semaine.", None),
    ("need", "skills", "Un graphiste pour notre affiche", "Pour le festival de printemps : une affiche et un flyer.", None),
    ("offer", "job", "Stage en communication", "Stage de deux mois au printemps dans une fédération sportive.", 1),
    ("need", "volunteers", "Collecte solidaire : bras bienvenus", "Tri et distribution le mercredi matin.", 8),
    ("offer", "equipment", "Don de livres jeunesse", "Deux cents livres pour une bibliothèque de rue.", None),
]
TOWNS = ["Amiens", "Longueau", "Abbeville", "Albert", "Corbie", "Beauvais", "Saint-Quentin", "Compiègne"]
TITLES = ["Bénévoles pour un tournoi", "Prêt de matériel de sonorisation", "Local de stockage", "Aide aux devoirs",
          "Animateur ou animatrice", "Tables et chaises", "Formation aux premiers secours", "Salle pour une exposition",
          "Stage en gestion de projet", "Coup de main pour un déménagement"]


def territory_places(site: SiteRuntime) -> list:
    bounds = (site.config.territory or {}).get("bounds")
    return gazetteer.within(bounds) if bounds else list(gazetteer.places())


def demo_places(site: SiteRuntime) -> list:
    """A few towns for the small demo: those of :data:`TOWNS` inside the territory (near one another, so
    that matching shows), else the most populated communes of the territory."""
    bounds = (site.config.territory or {}).get("bounds")
    found = [p for name in TOWNS for p in gazetteer.lookup(name, limit=1)]
    if bounds:
        (south, west), (north, east) = bounds
        found = [p for p in found if south <= p.lat <= north and west <= p.lon <= east]
    if found:
        return found
    seen, biggest = set(), []
    for place in sorted(territory_places(site), key=lambda p: -p.population):
        if place.insee not in seen:
            seen.add(place.insee)
            biggest.append(place)
    return biggest[:8]


def generate(site: SiteRuntime, scale: str, rng) -> None:
    """Create the demo ads once (a second run changes nothing)."""
    if Entity.select().where(Entity.site == site.id, Entity.kind == ads.KIND).exists():
        return
    themes = [key for key, _label, _parent in ads.themes(site)]
    if scale == "region":
        bulk(site, REGION_ADS, rng, themes)
        return
    members = list(Account.select().where(Account.site == site.id, Account.email.startswith("member"))
                   .order_by(Account.entity).limit(8))
    orgs = list(Entity.select().where(Entity.site == site.id, Entity.kind == "directory.organisation",
                                      Entity.access == "public", Entity.deleted_at.is_null()).limit(4))
    if not members:
        return
    places = demo_places(site)
    for i, (direction, category, title, body, quantity) in enumerate(SAMPLES):
        actor = orgs[i % len(orgs)] if orgs and i % 3 == 0 else rng.choice(members).entity
        place = rng.choice(places)
        typed = {"direction": direction, "category": category, "theme": rng.choice(themes) if themes else "",
                 "access": "public"}
        clean = {"title": title, "body": body, "link": "", "quantity": quantity, "starts": None, "ends": None,
                 "expires": None, "place": place}
        ads.save(site, actor, typed, clean)


def bulk(site: SiteRuntime, total: int, rng, themes, places=None, batch: int = BATCH) -> int:
    """``total`` open ads around ``places`` (default: the site's territory, weighted by population, a few
    km around each commune), by demo members, with their activity row and search document. Bulk inserts
    queue no job: ``maillage offers-expire`` (or the expiry jobs of later ads) closes them in time."""
    places = places if places is not None else territory_places(site)
    if not places:
        return 0
    weights = list(itertools.accumulate(math.sqrt(p.population) + 1 for p in places))
    authors = [guid for (guid,) in Account.select(Account.entity).where(
        Account.site == site.id, Account.email.startswith("member")).order_by(Account.entity).limit(2_000).tuples()]
    if not authors:
        return 0
    stamp, done = now(), 0
    while done < total:
        n = min(batch, total - done)
        with database.atomic():
            last = Entity.select(Entity.guid).order_by(Entity.guid.desc()).limit(1).scalar() or 0
            rows = []
            for i in range(n):
                when = stamp - dt.timedelta(minutes=(total - done - i) * 3 + rng.randrange(3))
                rows.append({"site": site.id, "kind": ads.KIND, "owner": rng.choice(authors),
                             "title": f"{rng.choice(TITLES)} n° {done + i + 1}",
                             "access": rng.choice(("public", "public", "public", "members")),
                             "created": when, "updated": when})
            Entity.insert_many(rows).execute()
            created = list(Entity.select().where(Entity.site == site.id, Entity.kind == ads.KIND,
                                                 Entity.guid > last).order_by(Entity.guid))
            picks = rng.choices(places, cum_weights=weights, k=len(created))
            body = "Une annonce de démonstration : besoin ou offre d'une association du territoire."
            ad_rows = []
            for entity, place in zip(created, picks, strict=True):
                angle, km = rng.random() * 2 * math.pi, rng.random() * 4
                direction = rng.choice(("need", "offer"))
                ad_rows.append({
                    "entity": entity.guid, "direction": direction, "category": rng.choice(list(ads.CATEGORIES)),
                    "theme": rng.choice(themes) if themes else "", "body": body, "commune": place.name,
                    "postcode": place.postcode,
                    "lat": max(-90.0, min(90.0, place.lat + km / ads.KM_PER_DEGREE * math.sin(angle))),
                    "lon": place.lon + km / ads.KM_PER_DEGREE / max(math.cos(math.radians(place.lat)), 0.1) * math.cos(angle),
                    "expires": entity.created + dt.timedelta(days=60 + rng.randrange(60))})
            Ad.insert_many(ad_rows).execute()
            Activity.insert_many([{"site": site.id, "actor": e.owner_id, "verb": "published", "entity": e.guid,
                                   "container": None, "kind": ads.KIND, "created": e.created}
                                  for e in created]).execute()
            SearchDocument.insert_many([{"entity": e.guid, "site": site.id, "kind": ads.KIND,
                                         "title": fold(e.title), "body": fold(body)} for e in created]).execute()
        done += n
    return done
