"""Member profiles: bio, avatar, and the fields each site configures, each with its visibility.

A site declares its profile fields and kinds in its site file::

    [profile]
    kinds = ["person", "elected official", "staff"]

    [[profile.fields]]
    name = "competences"
    label = "Compétences"
    type = "tags"             # text, textarea, choice, tags, location, url
    max = 7                   # tags: at most this many
    visibilities = ["public", "members"]   # what members may choose (default: all four)
    default_visibility = "members"

Each member chooses, per field, who sees it: ``public``, ``members``, ``connections`` or
``private`` (only me), within the visibilities the site allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import peewee as pw

from core import inputs, relationships, request_cache
from core.db import BaseModel, JSONField, prepared
from core.i18n import gettext as _
from core.i18n import gettext_lazy
from core.models import Account, Entity

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

VISIBILITIES = ("public", "members", "connections", "private")
VISIBILITY_LABELS = {
    "public": gettext_lazy("Everyone"),
    "members": gettext_lazy("Members of the site"),
    "connections": gettext_lazy("My connections"),
    "private": gettext_lazy("Only me"),
}


class Profile(BaseModel):
    """The profile of a member: kind, bio, avatar (a storage key), field values and visibilities."""

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="profile_rows")
    kind = pw.CharField(max_length=64, default="")
    bio = pw.TextField(default="")
    avatar = pw.CharField(max_length=128, default="")
    fields = JSONField(default=dict)
    visibility = JSONField(default=dict)


@dataclass(frozen=True)
class ProfileField:
    """One field of the site's profiles, as declared in the site file or by a plugin."""

    name: str
    label: str
    type: str = "text"
    choices: tuple = ()
    max: int | None = None
    visibilities: tuple = VISIBILITIES
    default_visibility: str = "members"
    kinds: tuple = field(default_factory=tuple)

    def parse(self, raw: str | None):
        """The value to store for a submitted string, or raise ValueError with a message."""
        raw = (raw or "").strip()
        if self.type == "tags":
            tags = []
            for tag in raw.split(","):
                tag = " ".join(tag.split())
                if tag and tag.lower() not in [t.lower() for t in tags]:
                    tags.append(tag[:60])
            if self.max and len(tags) > self.max:
                raise ValueError(_("%(max)s at most, separated by commas.") % {"max": self.max})
            return tags
        if self.type == "choice" and raw and raw not in self.choices:
            raise ValueError(_("Choose one of the proposed values."))
        if self.type == "url":
            raw = inputs.url(raw, schemes=inputs.CONTACT_SCHEMES)  # InvalidInput is a ValueError
        limit = 5000 if self.type == "textarea" else 200
        if len(raw) > limit:
            raise ValueError(_("%(max)s characters at most.") % {"max": limit})
        return raw


def site_fields(site: SiteRuntime) -> list[ProfileField]:
    """The profile fields of ``site``: its site file's, then those plugins add."""
    result = []
    for item in site.config.profile.get("fields", []):
        allowed = tuple(v for v in item.get("visibilities", VISIBILITIES) if v in VISIBILITIES) or VISIBILITIES
        default = item.get("default_visibility", "members")
        result.append(ProfileField(
            name=item["name"], label=item.get("label", item["name"]), type=item.get("type", "text"),
            choices=tuple(item.get("choices", ())), max=item.get("max"), visibilities=allowed,
            default_visibility=default if default in allowed else allowed[0],
            kinds=tuple(item.get("kinds", ())),
        ))
    for extra in site.call("maillage_profile_fields", site=site):
        kind = {"int": "text", "bool": "choice", "email": "text"}.get(extra.type, extra.type)
        result.append(ProfileField(name=extra.name, label=str(extra.label), type=kind,
                                   choices=tuple(str(c[0]) for c in extra.choices)))
    return result


def kinds(site: SiteRuntime) -> list[str]:
    """The profile kinds the site offers (person, elected official, staff...)."""
    return list(site.config.profile.get("kinds", []))


def get(entity_guid: int) -> Profile:
    """The profile of a member (an empty one if they never filled it)."""
    profile = _profile.first(entity_guid) or Profile(entity=entity_guid)
    keep_avatar_key(entity_guid, profile.avatar)  # their picture on the same page is not read again
    return profile


@prepared
def _profile(entity_guid: int):
    return Profile.select().where(Profile.entity == entity_guid).limit(1)


AVATARS = "core.profiles.avatars"  # the request's known avatar keys, by member guid


def avatar_keys(guids: list[int]) -> dict[int, str | None]:
    """``{guid: the stored avatar's key, or None}`` for the members ``guids``, read once per request
    in one query (a member's avatar shows at several sizes on a page; the signed-in member's
    comes with their session, :func:`keep_avatar_key`)."""
    return request_cache.remember_many(AVATARS, guids, lambda missing: dict(_avatars(*missing)))


def keep_avatar_key(guid: int, key: str | None) -> None:
    """Tell the request the avatar key of member ``guid``, read along with something else."""
    request_cache.keep(AVATARS, guid, key or None)


@prepared
def _avatars(*guids: int):
    """(guid, avatar) of the members among ``guids`` who have one (compiled once per list length)."""
    return Profile.select(Profile.entity, Profile.avatar).where(Profile.entity.in_(guids), Profile.avatar != "").tuples()


def relation(owner_guid: int, viewer: Account | None) -> str:
    """How ``viewer`` relates to the profile's owner: self, admin, connection, member or visitor."""
    if viewer is None:
        return "visitor"
    if viewer.guid == owner_guid:
        return "self"
    if viewer.is_admin:
        return "admin"
    if relationships.has(owner_guid, "connected", viewer.guid):
        return "connection"
    return "member"


SEES = {
    "visitor": {"public"},
    "member": {"public", "members"},
    "connection": {"public", "members", "connections"},
    "self": set(VISIBILITIES),
    "admin": {"public", "members", "connections"},
}


def visible_values(site: SiteRuntime, profile: Profile, viewer: Account | None) -> list[tuple[ProfileField, object]]:
    """The (field, value) pairs of ``profile`` that ``viewer`` may see, in the site's order."""
    who = relation(profile.entity_id, viewer)
    result = []
    for f in site_fields(site):
        value = (profile.fields or {}).get(f.name)
        if not value:
            continue
        level = (profile.visibility or {}).get(f.name, f.default_visibility)
        if level not in f.visibilities:
            level = f.default_visibility
        if level in SEES[who]:
            result.append((f, value))
    return result
