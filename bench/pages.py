"""The pages the suite measures, resolved against the generated data set.

Each page has the path on maillage and, when they have one, the paths of its bare twin
(bench/bare.py) and raw twin (bench/raw.py). Every GET page comes twice, signed in as the
benchmark member ("(member)") and as a visitor ("(visitor)"), except "my network", which is a
member's page. The profile is always the same member's (``PROFILE``). Pages of plugins that
are not installed or not enabled, or that do not answer 200 on this data set, are left out
with a note.
"""

from __future__ import annotations

import httpx2 as httpx  # the maintained successor starlette 1.x tests with (the test extra installs it)

from core.config import Instance
from core.db import configure, database
from core.models import Account, Entity, Relationship

SITE = "portail"
MEMBER = "member1@example.org"
PROFILE = "member2@example.org"  # a fixed member: never the benchmark member, who posts during the run
NEAR = "/directory/?place=80000&km=10"  # Amiens, within 10 km
SOMME = "/directory/map.json?bbox=1.38,49.57,3.20,50.37&zoom=9"  # a département at zoom 9


def forum_topics(limit: int = 5) -> list[int]:
    """Topics the benchmark member may read, the longest threads first: public ones, or in a
    group the member belongs to (the region data puts topics in their group's access)."""
    try:
        from plugins.forums.models import Topic
    except ImportError:
        return []
    member = Account.get_or_none(Account.site == SITE, Account.email == MEMBER)
    groups = (Relationship.select(Relationship.object)
              .where(Relationship.subject == (member.entity_id if member else 0), Relationship.verb == "member_of"))
    query = (Topic.select(Topic.entity).join(Entity, on=(Topic.entity == Entity.guid))
             .where(Entity.site == SITE, Entity.kind == "forums.topic", Entity.deleted_at.is_null(),
                    (Entity.access == "public") | Entity.container.in_(groups))
             .order_by(Topic.reply_count.desc()).limit(limit))
    return [guid for (guid,) in query.tuples()]


def resolve(base: str, host: str, auth: dict, token: str, env: dict) -> list[dict]:
    """The pages, their ids read from the data set the server runs on (``env``: its MAILLAGE_HOME
    and DATABASE_URL), each checked to answer 200."""
    configure(Instance.from_env(home=env["MAILLAGE_HOME"], database_url=env.get("DATABASE_URL")).database_url)
    with database.connection_context():
        profile = Account.get(Account.site == SITE, Account.email == PROFILE).entity_id
        topics = forum_topics()
    pages = [
        {"name": "home", "path": "/", "bare": "/"},
        {"name": "my network", "path": "/feed", "member_only": True, "bare": "/feed", "raw": "/feed"},
        {"name": "member profile and feed", "path": f"/members/{profile}", "bare": f"/members/{profile}"},
        {"name": "search", "path": "/search?q=jardin", "bare": "/search?q=jardin"},
        {"name": "directory list", "path": "/directory/", "raw": "/directory/"},
        {"name": "directory near me", "path": NEAR, "bare": NEAR},
        {"name": "directory GeoJSON (bbox)", "path": SOMME, "bare": SOMME},
        {"name": "agenda month", "path": "/agenda/month", "bare": "/agenda/month"},
    ]
    client = httpx.Client(base_url=base, headers={"host": host}, timeout=120)  # a first request may be slow on a busy host
    for guid in topics:  # the first topic the member can open (its group has the forum tool on)
        if client.get(f"/forums/{guid}", headers={"cookie": auth["cookie"]}).status_code == 200:
            pages.append({"name": "forum thread", "path": f"/forums/{guid}", "bare": f"/forums/{guid}",
                          "raw": f"/forums/{guid}"})
            break
    else:
        print(f"skipped forum thread: none of the topics {topics} answers 200 to {MEMBER}")
    kept = []
    for page in pages:
        for who in ("member",) if page.pop("member_only", False) else ("member", "visitor"):
            variant = {**page, "name": f"{page['name']} ({who})", "auth": who == "member"}
            headers = {"cookie": auth["cookie"]} if variant["auth"] else {}
            status = client.get(variant["path"], headers=headers).status_code
            if status == 200:
                kept.append(variant)
            else:
                print(f"skipped {variant['name']}: {variant['path']} answers {status}")
    kept.append({"name": "post a status update (member)", "path": "/wire/", "auth": True, "method": "POST",
                 "body": f"csrf_token={token}&body=Bench+status&access=public"})
    return kept
