"""Demonstration data: members from the core, content from each plugin's ``maillage_demo_data``.

Reproducible: the same seed gives the same data. Every demo member's password
is ``demo-password``.
"""

from __future__ import annotations

import random

from core import accounts
from core.db import database
from core.models import Account, Relationship

DEMO_PASSWORD = "demo-password"

FIRST = ["Camille", "Louise", "Hugo", "Jules", "Léa", "Gabriel", "Manon", "Arthur", "Chloé", "Lucas",
         "Inès", "Nathan", "Jade", "Paul", "Zoé", "Samuel", "Alice", "Tom", "Emma", "Noah"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
        "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux"]

SMALL_MEMBERS = 12


def generate(site_id: str, scale: str = "small", seed: int = 42) -> dict:
    """Create demo members and ask every enabled plugin for its demo content; return counts."""
    from core.runtime import build

    rng = random.Random(seed)
    site = build(site_id)
    members = ensure_members(site_id, SMALL_MEMBERS, rng)
    with database.atomic():
        for account in members:
            for other in rng.sample(members, k=min(3, len(members))):
                if other.guid != account.guid:
                    Relationship.get_or_create(site=site_id, subject=account.entity_id, verb="follows",
                                               object=other.entity_id)
    site.call("maillage_demo_data", site=site, scale=scale, rng=rng)
    return {"members": len(members)}


def ensure_members(site_id: str, count: int, rng: random.Random) -> list[Account]:
    """Return ``count`` demo members (member1@example.org...), creating the missing ones."""
    from core.auth import hash_password

    password_hash = hash_password(DEMO_PASSWORD)
    result = []
    for i in range(1, count + 1):
        email = f"member{i}@example.org"
        account = Account.get_or_none(Account.site == site_id, Account.email == email)
        if account is None:
            name = f"{FIRST[(i - 1) % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
            account = accounts.create_account(site_id, email, name)
            account.password_hash = password_hash
            account.save(only=[Account.password_hash])
        result.append(account)
    rng.random()
    return result
