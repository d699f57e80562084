"""The veille's tables: a link (keyed by its entity), the notes members wrote about it, "useful"
votes, synthesis subscriptions, the syntheses made and who was mailed each week."""

import peewee as pw

from core.db import BaseModel, JSONField, now
from core.models import Entity

KIND = "veille.link"


class Link(BaseModel):
    """A shared link; its entity row holds owner, container (the group or organisation it belongs
    to), access, title and dates. ``place`` copies the container's guid (0: the site) and ``url_key``
    the hash of the normalised address, so a second share of the same page in one place is found
    with one index."""

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    url = pw.CharField(max_length=2000)
    url_key = pw.CharField(max_length=64)
    place = pw.BigIntegerField(default=0)
    description = pw.TextField(default="")
    site_name = pw.CharField(max_length=200, default="")
    themes = JSONField(default=list)
    tags = JSONField(default=list)
    useful = pw.IntegerField(default=0)
    fetch_state = pw.CharField(max_length=10, default="")  # "", pending, done, refused, failed

    @property
    def domain(self) -> str:
        """The host of the address, without ``www.`` (shown beside the title)."""
        from urllib.parse import urlsplit

        return (urlsplit(self.url).hostname or "").removeprefix("www.")

    class Meta:
        table_name = "veille_link"
        indexes = ((("url_key", "place"), False), (("place", "useful"), False))


class Note(BaseModel):
    """What one member wrote about a link, with their rating (1 to 5, or none)."""

    link = pw.ForeignKeyField(Link, on_delete="CASCADE", backref="notes")
    author = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
    body = pw.TextField(default="")
    rating = pw.IntegerField(null=True)
    created = pw.DateTimeField(default=now)

    class Meta:
        table_name = "veille_note"


class Vote(BaseModel):
    """A reader found the link useful (once per reader)."""

    link = pw.ForeignKeyField(Link, on_delete="CASCADE", backref="+", index=False)
    voter = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    created = pw.DateTimeField(default=now)

    class Meta:
        table_name = "veille_vote"
        indexes = ((("link", "voter"), True),)


class Subscription(BaseModel):
    """A member receives the weekly synthesis of the site (``scope`` "site"), of one theme of the
    site ("theme", ``key`` the theme's id) or of one group or organisation ("in", ``key`` its guid)."""

    site = pw.CharField(max_length=64)
    member = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+", index=False)
    scope = pw.CharField(max_length=10)
    key = pw.CharField(max_length=100, default="")
    created = pw.DateTimeField(default=now)

    class Meta:
        table_name = "veille_subscription"
        indexes = ((("member", "scope", "key"), True), (("site", "scope"), False))


class Synthesis(BaseModel):
    """The synthesis of one place (0: the site, else a container's guid) for the week starting
    on ``week`` (a Monday); its page shows that week's links as each reader may see them."""

    site = pw.CharField(max_length=64)
    place = pw.BigIntegerField(default=0)
    week = pw.DateField()
    links = pw.IntegerField(default=0)
    created = pw.DateTimeField(default=now)

    class Meta:
        table_name = "veille_synthesis"
        indexes = ((("site", "place", "week"), True),)


class Delivery(BaseModel):
    """A member's synthesis mail of a week: written with the mail in one transaction, so a member
    is served once per week and a stopped run resumes with the others."""

    site = pw.CharField(max_length=64)
    week = pw.DateField()
    member = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+", index=False)
    links = pw.IntegerField(default=0)
    mailed_at = pw.DateTimeField(default=now)

    class Meta:
        table_name = "veille_delivery"
        indexes = ((("member", "site", "week"), True),)
