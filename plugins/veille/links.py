"""Shared links: the form, saving (a second share of the same page in one place is merged into
the first, keeping both notes), the listings, "useful" votes and the metadata job."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit

from peewee import JOIN, fn

from core import access, activity, entities, inputs, jobs, web
from core.db import database, now
from core.i18n import gettext as _
from core.models import ACCESS_LEVELS, Account, Entity
from plugins.veille import themes
from plugins.veille.models import KIND, Link, Note, Vote

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

log = logging.getLogger("maillage.veille")

MAX_TAGS = 10
MAX_NOTE = 10_000
TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "xtor")


def url(site: SiteRuntime, entity: Entity) -> str:
    """The page of a shared link, its route ``veille-link`` (/veille/<guid>)."""
    return web.url_for(site, "veille-link", guid=entity.guid)


def normalise(address: str) -> str:
    """The address two shares of one page have in common: no scheme, no ``www.``, no default port,
    no fragment nor trailing slash, tracking parameters dropped and the others sorted."""
    parts = urlsplit(address.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    host = host[4:] if host.startswith("www.") else host
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not k.lower().startswith(TRACKING))
    return host + path + (f"?{urlencode(query)}" if query else "")


def url_key(address: str) -> str:
    return hashlib.sha256(normalise(address).encode("utf-8")).hexdigest()


def week_of(moment: dt.datetime | dt.date) -> dt.date:
    """The Monday starting the week of ``moment``."""
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return day - dt.timedelta(days=day.weekday())


def fetching_on(site: SiteRuntime) -> bool:
    return bool(site.plugin_settings("veille").get("fetch_metadata"))


def title_from_url(address: str) -> str:
    """A readable title while none is known: the host and path of the address."""
    parts = urlsplit(address)
    host = (parts.hostname or "").removeprefix("www.")
    try:
        host += f":{parts.port}" if parts.port else ""
    except ValueError:
        pass
    return (host + (parts.path if parts.path not in ("", "/") else ""))[:200]


def blank_values(site: SiteRuntime, container: str = "") -> dict:
    return {"url": "", "title": "", "description": "", "note": "", "rating": "", "themes": [], "tags": "",
            "access": site.settings.get("default_access", "public"), "container": container}


def parse(site: SiteRuntime, data, editing: bool = False) -> tuple[dict, dict]:
    """Read a link form; return (values, errors keyed by field)."""
    values = _form_values(site, data)
    errors: dict = {}
    _read_texts(values, errors, editing)
    if errors.get("rating"):
        errors["rating"] = _("Rate from 1 to 5 stars, or leave it empty.")
    known = {key for key, _label in themes.choices(site)}
    values["themes"] = [t for t in dict.fromkeys(values["themes"]) if t in known][:5]
    try:
        values["tag_list"] = inputs.tags(values["tags"], most=MAX_TAGS)
    except inputs.InvalidInput as exc:
        values["tag_list"], errors["tags"] = [], str(exc)
    if values["access"] not in ACCESS_LEVELS:
        errors["access"] = _("Choose who may see it.")
    if not editing and not values.get("title") and not fetching_on(site) and "url" not in errors:
        values["title"] = title_from_url(values["url"])
    return values, errors


def _form_values(site: SiteRuntime, data) -> dict:
    """The form's fields as sent (for showing the form again)."""
    return {"url": data.get("url") or "", "title": data.get("title") or "", "description": data.get("description") or "",
            "note": data.get("note") or "", "rating": data.get("rating") or "",
            "themes": [t for t in data.getlist("themes") if t], "tags": data.get("tags") or "",
            "access": data.get("access") or site.settings.get("default_access", "public"),
            "container": data.get("container") or ""}


def _read_texts(values: dict, errors: dict, editing: bool) -> None:
    """The address (not when editing: it stays), title, description, note and rating, typed."""
    readers = {
        "url": lambda: inputs.url(values["url"], required=True),
        "title": lambda: inputs.text(values["title"], maximum=200),
        "description": lambda: inputs.text(values["description"], maximum=1000),
        "note": lambda: inputs.text(values["note"], maximum=MAX_NOTE),
        "rating": lambda: inputs.integer(values["rating"], minimum=1, maximum=5),
    }
    for name, read in readers.items():
        if editing and name == "url":
            continue
        try:
            values[name] = read()
        except inputs.InvalidInput as exc:
            errors[name] = str(exc)


def find_duplicate(site: SiteRuntime, viewer: Account, address: str, container: Entity | None) -> Entity | None:
    """A link to the same page already shared in the same place, that ``viewer`` may see."""
    return (Entity.select().join(Link, on=(Link.entity == Entity.guid))
            .where(Link.url_key == url_key(address), Link.place == (container.guid if container else 0),
                   Entity.kind == KIND, access.visible(viewer, site)).first())


def add(site: SiteRuntime, user: Account, actor: Entity, values: dict, container: Entity | None) -> tuple[Entity, bool]:
    """Share a link; return (its entity, merged). The same page already shared in this place (and
    visible to the member) gets the member's note rather than a second link."""
    duplicate = find_duplicate(site, user, values["url"], container)
    if duplicate is not None:
        merge(site, actor, duplicate, values)
        return duplicate, True
    fetch = fetching_on(site) and not (values["title"] and values["description"])
    with database.atomic():
        entity = entities.create(site, KIND, owner=actor, title=values["title"] or title_from_url(values["url"]),
                                 access_level=values["access"], container=container)
        link = Link.create(entity=entity, url=values["url"], url_key=url_key(values["url"]),
                           place=container.guid if container else 0, description=values["description"],
                           themes=values["themes"], tags=values["tag_list"], fetch_state="pending" if fetch else "")
        if values["note"] or values["rating"]:
            Note.create(link=link, author=actor.guid, body=values["note"], rating=values["rating"], created=now())
        week = week_of(entity.created)
        jobs.enqueue("veille.synthesis", site=site, args={"week": week.isoformat()},
                     run_after=dt.datetime.combine(week + dt.timedelta(days=7), dt.time(6)),
                     key=f"veille.synthesis:{site.id}:{week.isoformat()}")
        if fetch:
            jobs.enqueue("veille.metadata", site=site, args={"guid": entity.guid}, key=f"veille.metadata:{entity.guid}")
        activity.record(site, actor=actor, verb="published", entity=entity)  # one transaction with the link
    return entity, False


def merge(site: SiteRuntime, actor: Entity, entity: Entity, values: dict) -> None:
    """Add a second share to ``entity``: the note (and rating), the themes and tags it did not have."""
    with database.atomic():
        link = Link.get_by_id(entity.guid)
        if values["note"] or values["rating"]:
            Note.create(link=link, author=actor.guid, body=values["note"], rating=values["rating"], created=now())
        link.themes = list(dict.fromkeys([*link.themes, *values["themes"]]))[:8]
        link.tags = list(dict.fromkeys([*link.tags, *values["tag_list"]]))[:MAX_TAGS]
        if not link.description and values["description"]:
            link.description = values["description"]
        link.save()
        entities.update(site, entity)  # announced: the search index takes the new note


def save_edit(site: SiteRuntime, entity: Entity, values: dict) -> None:
    """The owner's changes: title, description, themes, tags, access."""
    with database.atomic():
        Link.update(description=values["description"], themes=values["themes"], tags=values["tag_list"]).where(
            Link.entity == entity.guid).execute()
        entities.update(site, entity, title=values["title"] or entity.title, access=values["access"])


def save_note(site: SiteRuntime, actor: Entity, entity: Entity, body: str, rating: int | None) -> None:
    """The member's own note on a link: changed when they wrote one, added otherwise."""
    with database.atomic():
        note = Note.get_or_none(Note.link == entity.guid, Note.author == actor.guid)
        if note is None:
            Note.create(link=entity.guid, author=actor.guid, body=body, rating=rating, created=now())
        else:
            Note.update(body=body, rating=rating).where(Note.id == note.id).execute()
        entities.update(site, entity)


def can_edit(site: SiteRuntime, user: Account | None, entity: Entity) -> bool:
    return user is not None and entities.can(site, user, "veille.edit", entity)


def notes(entity: Entity) -> list[Note]:
    author = Entity.alias()
    return list(Note.select(Note, author).join(author, JOIN.LEFT_OUTER, on=(Note.author == author.guid))
                .where(Note.link == entity.guid).order_by(Note.id))


def notes_by_link(rows: list[Link]) -> dict[int, list[Note]]:
    """The notes of the links of a page, by link, with their authors (one query)."""
    if not rows:
        return {}
    author = Entity.alias()
    found: dict[int, list[Note]] = {}
    for note in (Note.select(Note, author).join(author, JOIN.LEFT_OUTER, on=(Note.author == author.guid))
                 .where(Note.link.in_([r.entity_id for r in rows])).order_by(Note.id)):
        found.setdefault(note.link_id, []).append(note)
    return found


def qualification(rows: list[Link]) -> dict[int, dict]:
    """For each link of a page: its notes, the authors' mean rating and how many rated."""
    found = {}
    for guid, notes in notes_by_link(rows).items():
        rated = [n.rating for n in notes if n.rating]
        found[guid] = {"notes": notes, "first": next((n for n in notes if n.body), None), "rated": len(rated),
                       "mean": round(sum(rated) / len(rated), 1) if rated else None}
    return found


def rating(link_guid: int) -> tuple[float | None, int]:
    """The authors' mean rating and how many rated."""
    mean, count = (Note.select(fn.AVG(Note.rating), fn.COUNT(Note.rating))
                   .where(Note.link == link_guid, Note.rating.is_null(False)).tuples().first())
    return (round(float(mean), 1) if mean is not None else None), count or 0


def voted(user: Account | None, link_guid: int) -> bool:
    return user is not None and Vote.select().where(Vote.link == link_guid, Vote.voter == user.guid).exists()


def toggle_useful(user: Account, entity: Entity) -> bool:
    """Record the member's "useful" vote, or take it back; return whether it is now given."""
    with database.atomic():
        removed = Vote.delete().where(Vote.link == entity.guid, Vote.voter == user.guid).execute()
        if not removed:
            Vote.insert(link=entity.guid, voter=user.guid, created=now()).on_conflict_ignore().execute()
        count = Vote.select().where(Vote.link == entity.guid).count()
        Link.update(useful=count).where(Link.entity == entity.guid).execute()
    return not removed


def listing(site: SiteRuntime, viewer: Account | None, *, before: int | None = None, theme: str | None = None,
            tag: str | None = None, container: int | None = None, owner: int | None = None,
            since: dt.datetime | None = None, until: dt.datetime | None = None, order: str = "new",
            limit: int = 20) -> list[Link]:
    """Links the viewer may see, newest first (keyset on the guid) or most useful first."""
    query = (Link.select(Link, Entity).join(Entity, on=(Link.entity == Entity.guid))
             .where(Entity.kind == KIND, access.visible(viewer, site)).limit(limit))
    if order == "useful":
        query = query.order_by(Link.useful.desc(), Link.entity.desc())
    else:
        query = query.order_by(Link.entity.desc())
    if before:
        query = query.where(Link.entity < before)
    if container is not None:
        query = query.where(Link.place == container)
    if owner:
        query = query.where(Entity.owner == owner)
    if since:
        query = query.where(Entity.created >= since)
    if until:
        query = query.where(Entity.created < until)
    if theme:
        keys = themes.with_children(site, theme)
        condition = None
        for key in keys:
            one = fn.LOWER(Link.themes).contains(f'"{key.lower()}"')  # a JSON list of keys
            condition = one if condition is None else condition | one
        query = query.where(condition)
    if tag:
        query = query.where(fn.LOWER(Link.tags).contains(f'"{tag.lower()}"'))
    return list(query)


def owners(rows: list[Link]) -> dict[int, Entity]:
    """The owners of the links of a page, read in one query."""
    guids = sorted({r.entity.owner_id for r in rows if r.entity.owner_id})
    return {e.guid: e for e in Entity.select().where(Entity.guid.in_(guids))} if guids else {}


def metadata_job(site: SiteRuntime, guid: int) -> str:
    """The job ``veille.metadata``: :func:`fill_metadata` with the private-address guard always on."""
    return fill_metadata(site, guid)


def fill_metadata(site: SiteRuntime, guid: int, allow_private: bool = False) -> str:
    """Read the page's title and description when the site allows it, and fill what the member left
    empty; return the link's fetch state. ``allow_private`` is for the tests only (a local server)."""
    from plugins.veille import fetch

    link = Link.get_or_none(Link.entity == guid)
    if link is None or link.fetch_state != "pending":
        return link.fetch_state if link else ""
    if not fetching_on(site):
        Link.update(fetch_state="").where(Link.entity == guid).execute()
        return ""
    try:
        found = fetch.metadata(link.url, allow_private=allow_private)
    except fetch.Refused as exc:
        log.info("veille: metadata of %s not read: %s", link.url, exc)
        Link.update(fetch_state="refused").where(Link.entity == guid).execute()
        return "refused"
    entity = Entity.get_by_id(guid)
    with database.atomic():
        changes = {"fetch_state": "done", "site_name": found.site_name}
        if not link.description and found.description:
            changes["description"] = found.description
        Link.update(**changes).where(Link.entity == guid).execute()
        if found.title and entity.title == title_from_url(link.url):
            entities.update(site, entity, title=found.title)
        else:
            entities.update(site, entity)
    return "done"
