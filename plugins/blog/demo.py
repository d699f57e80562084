"""Demo posts: three articles at small scale; at region scale thousands, inserted in bulk."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core.db import database, now
from core.models import Account, Activity, Entity
from core.search import SearchDocument, fold
from core.text import slugify
from plugins.blog import posts
from plugins.blog.models import Post, Revision

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

ARTICLES = [
    ("Bienvenue sur notre blog", "Nous partagerons ici les **nouvelles** de l'association.", ["vie associative"]),
    ("Retour sur la fête du jardin", "Plus de 80 personnes sont venues samedi. *Merci à tous !*", ["jardin", "fête"]),
    ("Appel aux bénévoles", "Nous cherchons des bras pour l'accueil du public.\n\n- samedi matin\n- dimanche",
     ["bénévolat"]),
]
SUBJECTS = ["Assemblée générale", "Fête de quartier", "Atelier réparation", "Sortie nature", "Concert",
            "Collecte solidaire", "Portes ouvertes", "Tournoi", "Exposition", "Marché de producteurs"]
TAGS = ["vie associative", "jardin", "culture", "sport", "solidarité", "bénévolat", "environnement"]
REGION_POSTS = 5_000
BATCH = 500


def generate(site: SiteRuntime, scale: str, rng) -> None:
    """Create the demo articles once (a second run changes nothing)."""
    if Entity.select().where(Entity.site == site.id, Entity.kind == "blog.post").exists():
        return
    if scale == "region":
        bulk(site, REGION_POSTS, rng)
        return
    authors = list(Account.select().where(Account.site == site.id, Account.email.startswith("member"))
                   .order_by(Account.entity).limit(5))
    if not authors:
        return
    for title, body, tags in ARTICLES:
        author = rng.choice(authors)
        values = {"title": title, "body": body, "excerpt": "", "tag_list": tags, "access": "public",
                  "comments": True, "when": None}
        posts.save(site, author, author.entity, values, None, publish=True)


def bulk(site: SiteRuntime, total: int, rng) -> None:
    """``total`` published posts spread over the last two years, with their revision and activity row.

    Bulk inserts bypass ``posts.save`` (no notification is sent); the search documents are
    written in bulk too, with the same text ``maillage_search_documents`` gives.
    """
    authors = [guid for (guid,) in Account.select(Account.entity).where(
        Account.site == site.id, Account.email.startswith("member")).order_by(Account.entity).limit(2_000).tuples()]
    if not authors:
        return
    stamp, done = now(), 0
    while done < total:
        n = min(BATCH, total - done)
        with database.atomic():
            last = Entity.select(Entity.guid).order_by(Entity.guid.desc()).limit(1).scalar() or 0
            rows = []
            for i in range(n):
                when = stamp - dt.timedelta(minutes=(total - done - i) * 200 + rng.randrange(100))
                title = f"{rng.choice(SUBJECTS)} n° {done + i + 1}"
                rows.append({"site": site.id, "kind": "blog.post", "owner": rng.choice(authors), "title": title,
                             "access": rng.choice(("public", "public", "public", "members")),
                             "created": when, "updated": when})
            Entity.insert_many(rows).execute()
            created = list(Entity.select().where(Entity.site == site.id, Entity.kind == "blog.post",
                                                 Entity.guid > last).order_by(Entity.guid))
            body = "Un article de démonstration.\n\nIl raconte la **vie associative** du territoire."
            Post.insert_many([{"entity": e.guid, "slug": slugify(e.title), "body": body, "excerpt": "",
                               "tags": rng.sample(TAGS, 2), "comments": True, "status": "published",
                               "publish_at": e.created, "announced": True} for e in created]).execute()
            Revision.insert_many([{"post": e.guid, "author": e.owner_id, "created": e.created, "title": e.title,
                                   "body": body, "excerpt": ""} for e in created]).execute()
            Activity.insert_many([{"site": site.id, "actor": e.owner_id, "verb": "published", "entity": e.guid,
                                   "container": None, "kind": "blog.post", "created": e.created}
                                  for e in created]).execute()
            SearchDocument.insert_many([{"entity": e.guid, "site": site.id, "kind": "blog.post",
                                         "title": fold(e.title), "body": fold(body)} for e in created]).execute()
        done += n
