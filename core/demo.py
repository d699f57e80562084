"""Demonstration data: members from the core, content from each plugin's ``maillage_demo_data``.

Reproducible: the same seed gives the same data. Every demo member's password is
``demo-password``. ``small`` gives a dozen members for trying the site; ``region`` gives
the volumes of a regional portal (30,000 members with a power-law graph of follows and
connections), inserted in bulk so it finishes in minutes on SQLite and PostgreSQL.
"""

from __future__ import annotations

import itertools
import random
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

from peewee import fn

from core.db import analyze, database, now
from core.models import Account, Activity, Entity, Relationship

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

DEMO_PASSWORD = "demo-password"

FIRST = ["Camille", "Louise", "Hugo", "Jules", "Léa", "Gabriel", "Manon", "Arthur", "Chloé", "Lucas",
         "Inès", "Nathan", "Jade", "Paul", "Zoé", "Samuel", "Alice", "Tom", "Emma", "Noah"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
        "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux"]

SCALES = {
    "small": {"members": 12, "max_follows": 4, "connections": 1},
    "region": {"members": 30_000, "max_follows": 3_000, "connections": 3},
}
COMMENTS = {"small": 20, "region": 120_000}  # on the plugins' content, after it exists
BATCH = 2_000


def generate(site: SiteRuntime, scale: str = "small", seed: int = 42, progress: bool = True) -> dict:
    """Create demo members and their graph, then ask every enabled plugin for its content.

    ``site`` is a :class:`core.runtime.SiteRuntime` or a site id (its runtime is built).
    """
    from core.runtime import build

    rng = random.Random(seed)
    if isinstance(site, str):
        site = build(site)
    site_id = site.id
    started = time.perf_counter()
    with step(f"{site_id}: members", progress):
        guids = ensure_members(site_id, SCALES[scale]["members"], rng)
    with step(f"{site_id}: follows and connections", progress):
        counts = social_graph(site_id, guids, rng, **{k: v for k, v in SCALES[scale].items() if k != "members"})
    order = {info.name: position for position, info in enumerate(site.enabled)}  # required plugins first
    impls = sorted(site.pm.hook.maillage_demo_data.get_hookimpls(), key=lambda i: order.get(i.plugin_name, -1))
    for impl in impls:
        with step(f"{site_id}: {impl.plugin_name} content", progress):
            # guarded (core.plugins.manager): a failure is logged and reported in Admin > Errors
            impl.function(**{a: {"site": site, "scale": scale, "rng": rng}[a] for a in impl.argnames})
    with step(f"{site_id}: comments and likes", progress):
        counts.update(comments_and_likes(site, guids, rng, COMMENTS[scale]))
    for impl in site.pm.hook.maillage_demo_finished.get_hookimpls():
        with step(f"{site_id}: {impl.plugin_name} finishing", progress):
            impl.function(**{a: {"site": site, "scale": scale, "rng": rng}[a] for a in impl.argnames})
    analyze()
    counts["members"] = len(guids)
    counts["activity"] = Activity.select().where(Activity.site == site_id).count()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    if progress:
        print(f"{site_id}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts


@contextmanager
def step(label: str, progress: bool):
    """Print a step and how long it took (plugins show their own progress bars for long steps)."""
    start = time.perf_counter()
    if progress:
        print(f"{label}...", flush=True)
    yield
    if progress:
        print(f"  done in {time.perf_counter() - start:.1f}s", flush=True)


def ensure_members(site_id: str, count: int, rng: random.Random) -> list[int]:
    """Guids of ``count`` demo members (member1@example.org...), creating the missing ones in bulk."""
    from core.auth import hash_password

    existing = dict(Account.select(Account.email, Account.entity)
                    .where(Account.site == site_id, Account.email.startswith("member"))
                    .tuples())
    password_hash = hash_password(DEMO_PASSWORD)
    missing = [i for i in range(1, count + 1) if f"member{i}@example.org" not in existing]
    for chunk in _chunks(missing, BATCH):
        with database.atomic():
            stamp = now()
            for i in chunk:
                name = f"{FIRST[(i - 1) % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
                if count > len(FIRST) * len(LAST):
                    name = f"{name} {i}"
                entity = Entity.create(site=site_id, kind="user", access="public", title=name,
                                       created=stamp, updated=stamp)
                Entity.update(owner=entity.guid).where(Entity.guid == entity.guid).execute()
                existing[f"member{i}@example.org"] = entity.guid
            Account.insert_many([
                {"entity": existing[f"member{i}@example.org"], "site": site_id,
                 "email": f"member{i}@example.org", "username": f"member{i}",
                 "password_hash": password_hash, "state": "active", "role": "member", "created": stamp}
                for i in chunk
            ]).execute()
    return [existing[f"member{i}@example.org"] for i in range(1, count + 1)]


def social_graph(site_id: str, guids: list[int], rng: random.Random, max_follows: int, connections: int) -> dict:
    """A power-law graph: a few members are followed by many, most follow a handful.

    The first member follows ``max_follows`` others (the heavy reader the feed benchmark
    uses); each member has about ``connections`` mutual connections.
    """
    n = len(guids)
    weights = list(itertools.accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(n)))
    follows: set[tuple[int, int]] = set()
    for idx, guid in enumerate(guids):
        k = max_follows if idx == 0 else min(max_follows, int(rng.paretovariate(1.3) * 2))
        for target in rng.choices(guids, cum_weights=weights, k=k):
            if target != guid:
                follows.add((guid, target))
    pairs: set[tuple[int, int]] = set()
    for guid in guids:
        for _ in range(connections):
            other = guids[rng.randrange(n)]
            if other != guid:
                pairs.add((min(guid, other), max(guid, other)))
    stamp = now()
    rows = [{"site": site_id, "subject": s, "verb": "follows", "object": o, "created": stamp}
            for s, o in sorted(follows)]
    for a, b in sorted(pairs):
        rows.append({"site": site_id, "subject": a, "verb": "connected", "object": b, "created": stamp})
        rows.append({"site": site_id, "subject": b, "verb": "connected", "object": a, "created": stamp})
    for chunk in _chunks(rows, BATCH):
        with database.atomic():
            Relationship.insert_many(chunk).on_conflict_ignore().execute()
    return {"follows": len(follows), "connections": len(pairs)}


def comments_and_likes(site: SiteRuntime, guids: list[int], rng: random.Random, count: int) -> dict:
    """``count`` comments (with their "commented" activity) and as many likes, on the newest
    entities of the kinds that accept them; busy items get more (power law)."""
    from core.comments import Comment, Like

    kinds = [k.name for k in site.entity_kinds.values() if k.commentable]
    targets = list(Entity.select(Entity.guid, Entity.access, Entity.kind).where(
        Entity.site == site.id, Entity.kind.in_(kinds), Entity.deleted_at.is_null())
        .order_by(Entity.guid.desc()).limit(50_000).tuples())
    if not targets or not guids or Entity.select().where(Entity.site == site.id, Entity.kind == "comment").exists():
        return {"comments": 0, "likes": 0}
    weights = list(itertools.accumulate(1.0 / (rank + 1) ** 0.8 for rank in range(len(targets))))
    lines = ["Bravo !", "Merci pour l'info.", "J'y serai.", "Très bonne idée.", "Qui vient avec moi ?"]
    stamp = now()
    made = 0
    for size in [BATCH] * (count // BATCH) + [count % BATCH]:
        if not size:
            continue
        picks = rng.choices(targets, cum_weights=weights, k=size)
        authors = [rng.choice(guids) for _ in picks]
        bodies = [rng.choice(lines) for _ in picks]
        with database.atomic():
            last = Entity.select(fn.MAX(Entity.guid)).scalar() or 0
            Entity.insert_many([{"site": site.id, "kind": "comment", "owner": author, "container": guid,
                                 "access": access, "title": body, "created": stamp, "updated": stamp}
                                for (guid, access, _kind), author, body in zip(picks, authors, bodies, strict=True)
                                ]).execute()
            made_ids = [g for (g,) in Entity.select(Entity.guid).where(Entity.guid > last, Entity.kind == "comment")
                        .order_by(Entity.guid).tuples()]
            Comment.insert_many([{"entity": g, "body": b} for g, b in zip(made_ids, bodies, strict=True)]).execute()
            Activity.insert_many([{"site": site.id, "actor": author, "verb": "commented", "entity": guid,
                                   "kind": kind, "created": stamp}
                                  for (guid, access, kind), author in zip(picks, authors, strict=True)]).execute()
        made += size
    likes = {(rng.choice(guids), guid) for guid, _a, _k in rng.choices(targets, cum_weights=weights, k=count)}
    for chunk in _chunks(sorted(likes), BATCH):
        with database.atomic():
            Like.insert_many([{"site": site.id, "user": user, "entity": guid, "created": stamp}
                              for user, guid in chunk]).on_conflict_ignore().execute()
    return {"comments": made, "likes": len(likes)}


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
