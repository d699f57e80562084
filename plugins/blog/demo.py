"""Demo posts: a few published articles and a draft."""

from __future__ import annotations

from core.models import Account, Entity
from plugins.blog import posts

ARTICLES = [
    ("Bienvenue sur notre blog", "Nous partagerons ici les **nouvelles** de l'association.", ["vie associative"]),
    ("Retour sur la fête du jardin", "Plus de 80 personnes sont venues samedi. *Merci à tous !*", ["jardin", "fête"]),
    ("Appel aux bénévoles", "Nous cherchons des bras pour l'accueil du public.\n\n- samedi matin\n- dimanche",
     ["bénévolat"]),
]


def generate(site, scale: str, rng) -> None:
    """Create the demo articles once."""
    if Entity.select().where(Entity.site == site.id, Entity.kind == "blog.post").exists():
        return
    authors = list(Account.select().where(Account.site == site.id, Account.email.startswith("member")).limit(5))
    if not authors:
        return
    for title, body, tags in ARTICLES:
        author = rng.choice(authors)
        values = {"title": title, "body": body, "excerpt": "", "tag_list": tags, "access": "public",
                  "comments": True, "when": None}
        posts.save(site, author, author.entity, values, None, publish=True)
