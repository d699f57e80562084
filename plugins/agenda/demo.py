"""Demo events: a dozen for the demo site (one weekly), or 20,000 bulk-inserted for a region."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core.db import database, now
from core.models import Account, Activity, Entity
from core.search import SearchDocument, fold
from plugins.agenda import event_form, events
from plugins.agenda.models import Event

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

TITLES = ["Assemblée générale", "Fête du jardin partagé", "Atelier réparation vélo", "Concert de la chorale",
          "Randonnée des trois vallées", "Repair café", "Permanence juridique", "Bourse aux livres",
          "Soirée jeux de société", "Nettoyage des berges", "Conférence sur le patrimoine", "Cours de danse"]
COMMUNES = [("Amiens", "80000", 49.894, 2.296), ("Beauvais", "60000", 49.430, 2.081),
            ("Laon", "02000", 49.564, 3.620), ("Abbeville", "80100", 50.105, 1.835),
            ("Compiègne", "60200", 49.418, 2.826), ("Saint-Quentin", "02100", 49.848, 3.287)]


def _values(site: SiteRuntime, title, start_local, hours, rrule, commune, rng, capacity=None):
    name, postcode, lat, lon = commune
    start = events.to_utc(start_local, "Europe/Paris")
    cats = [c for c, _label in event_form.categories_of(site)]
    return {"title": title, "description": f"**{title}** à {name}. Ouvert à toutes et à tous.", "tz": "Europe/Paris",
            "all_day": False, "place_name": "Salle des fêtes", "address": "", "commune": name, "postcode": postcode,
            "online_url": "", "categories": rng.sample(cats, min(1, len(cats))), "show_participants": "participants",
            "access": "public",
            "clean": {"start": start, "end": start + dt.timedelta(hours=hours), "rrule": rrule, "exdates": [],
                      "lat": lat + rng.uniform(-0.02, 0.02), "lon": lon + rng.uniform(-0.02, 0.02),
                      "capacity": capacity}}


def generate(site: SiteRuntime, scale: str, rng) -> None:
    if Entity.select().where(Entity.site == site.id, Entity.kind == "agenda.event").exists():
        return
    organisers = list(Account.select().where(Account.site == site.id, Account.email.startswith("member"))
                      .order_by(Account.entity).limit(8))
    if not organisers:
        return
    today = now().date()
    if scale != "region":
        for i, title in enumerate(TITLES):
            author = rng.choice(organisers)
            start = dt.datetime.combine(today + dt.timedelta(days=2 + 3 * i), dt.time(14 + i % 5))
            rrule = "FREQ=WEEKLY;COUNT=20" if i == 2 else ""
            values = _values(site, title, start, 2, rrule, rng.choice(COMMUNES), rng, capacity=25 if i == 0 else None)
            events.save(site, author, author.entity, values)
        return
    bulk(site, organisers, rng, 20_000)


def bulk(site: SiteRuntime, organisers, rng, count: int) -> None:
    """Insert ``count`` events in batches (entities, event rows, activity and search rows), over two years."""
    stamp = now()
    cats = [c for c, _label in event_form.categories_of(site)] or [""]
    batch = 1000
    for offset in range(0, count, batch):
        with database.atomic():
            rows, details = [], []
            for i in range(offset, min(offset + batch, count)):
                rows.append({"site": site.id, "kind": "agenda.event", "owner": rng.choice(organisers).guid,
                             "access": "public", "title": f"{rng.choice(TITLES)} #{i}", "created": stamp,
                             "updated": stamp})
            first = Entity.select(Entity.guid).order_by(Entity.guid.desc()).scalar() or 0
            Entity.insert_many(rows).execute()
            guids = [e.guid for e in Entity.select(Entity.guid).where(Entity.guid > first, Entity.site == site.id,
                                                                      Entity.kind == "agenda.event")
                     .order_by(Entity.guid)]
            for guid in guids:
                name, postcode, lat, lon = rng.choice(COMMUNES)
                start = stamp.replace(minute=0, second=0, microsecond=0) + dt.timedelta(
                    hours=rng.randrange(-24 * 365, 24 * 365))
                details.append({"entity": guid, "description": "", "start": start,
                                "end": start + dt.timedelta(hours=2), "last_end": start + dt.timedelta(hours=2),
                                "tz": "Europe/Paris", "commune": name, "postcode": postcode,
                                "lat": lat + rng.uniform(-0.2, 0.2), "lon": lon + rng.uniform(-0.2, 0.2),
                                "categories": [rng.choice(cats)], "exdates": []})
            Event.insert_many(details).execute()
            Activity.insert_many([{"site": site.id, "actor": r["owner"], "verb": "published", "entity": guid,
                                   "container": None, "kind": "agenda.event", "created": stamp}
                                  for guid, r in zip(guids, rows, strict=False)]).execute()
            SearchDocument.insert_many([{"entity": guid, "site": site.id, "kind": "agenda.event",
                                         "title": fold(r["title"]), "body": fold(d["commune"])}
                                        for guid, r, d in zip(guids, rows, details, strict=False)]).execute()
