"""Ads: the form, saving, browsing near a commune, matching, closing, expiry and its reminder.

An ad is an entity of kind :data:`KIND` (owner: the member or the organisation that publishes it)
and a row of :class:`~plugins.offers.models.Ad`. It is *open* until it is answered, withdrawn or
expires (``expires``, 60 days after publication by default); then it is *closed*, never deleted
by the board: it stays readable with the reason.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from peewee import JOIN

from core import access, activity, entities, gazetteer, inputs, jobs, mail, notifications, urls, web
from core.db import database, now
from core.i18n import gettext as _
from core.i18n import gettext_lazy as _l
from core.models import Account, Entity, Relationship
from core.text import plain_text
from plugins.offers.models import Ad

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

KIND = "offers.ad"
DIRECTIONS = {"need": _l("Need"), "offer": _l("Offer")}
CATEGORIES = {
    "volunteers": _l("Volunteers"),
    "equipment": _l("Equipment lent or given"),
    "skills": _l("Skills"),
    "premises": _l("Premises"),
    "job": _l("Job or internship"),
}
REASONS = {"answered": _l("answered"), "withdrawn": _l("withdrawn"), "expired": _l("expired")}
ACCESS = ("public", "members")
MAX_KM = 200
KM_PER_DEGREE = math.pi * gazetteer.EARTH_RADIUS_KM / 180


def settings(site: SiteRuntime) -> dict:
    return site.plugin_settings("offers")


def url(site: SiteRuntime, entity: Entity) -> str:
    """The page of an ad, its route ``offers-ad``."""
    return web.url_for(site, "offers-ad", guid=entity.guid)


# --- themes: the site's taxonomy, as the directory files organisations under it -------------------


def themes(site: SiteRuntime) -> list[tuple[str, str, str]]:
    """[(key, label, parent key or "")] of the site's theme tree, parents before their children."""
    from plugins.directory import api as directory

    flat = []
    for node in directory.taxonomy(site):
        flat.append((str(node["key"]), str(node["label"]), ""))
        flat.extend((str(c["key"]), str(c["label"]), str(node["key"])) for c in node["children"])
    return flat


def theme_label(site: SiteRuntime, key: str) -> str:
    return next((label for k, label, _parent in themes(site) if k == key), key)


def theme_family(site: SiteRuntime, key: str) -> list[str]:
    """``key`` and its sub-themes: browsing a theme shows the ads of its sub-themes too."""
    return [key] + [k for k, _label, parent in themes(site) if parent == key]


def theme_and_parent(site: SiteRuntime, key: str) -> list[str]:
    """``key`` and the theme above it: what a saved search on either should match."""
    return [key] + [parent for k, _label, parent in themes(site) if k == key and parent]


# --- the form ---------------------------------------------------------------------------------------


def blank(site: SiteRuntime) -> dict:
    return {"direction": "need", "category": "volunteers", "title": "", "body": "", "theme": "", "commune": "",
            "link": "", "quantity": "", "starts": "", "ends": "", "expires": "",
            "access": "public" if site.settings.get("default_access", "public") == "public" else "members"}


def values_of(ad: Ad) -> dict:
    return {"direction": ad.direction, "category": ad.category, "title": ad.entity.title, "body": ad.body,
            "theme": ad.theme, "commune": f"{ad.commune} ({ad.postcode})" if ad.postcode else ad.commune,
            "link": ad.link, "quantity": "" if ad.quantity is None else str(ad.quantity),
            "starts": ad.starts.isoformat() if ad.starts else "", "ends": ad.ends.isoformat() if ad.ends else "",
            "expires": ad.expires.date().isoformat(), "access": ad.entity.access}


def parse(site: SiteRuntime, data) -> tuple[dict, dict, dict]:
    """Read the ad form: (what was typed, to show it again; clean values; errors by field)."""
    typed = {name: inputs.clean_text(str(data.get(name) or "")) for name in blank(site)}
    clean, errors = {}, {}

    def read(name, fn):
        try:
            clean[name] = fn(typed[name])
        except inputs.InvalidInput as exc:
            errors[name] = str(exc)

    if typed["direction"] not in DIRECTIONS:
        errors["direction"] = _("Choose a need or an offer.")
    if typed["category"] not in CATEGORIES:
        errors["category"] = _("Choose what the ad is about.")
    if typed["theme"] and typed["theme"] not in {k for k, _label, _parent in themes(site)}:
        errors["theme"] = _("Choose a theme of the list.")
    if typed["access"] not in ACCESS:
        errors["access"] = _("Choose who may see it.")
    read("title", lambda v: inputs.text(v, maximum=200, required=True))
    read("body", lambda v: inputs.text(v, maximum=20_000))
    read("link", lambda v: inputs.url(v))
    read("quantity", lambda v: inputs.integer(v, minimum=1, maximum=100_000))
    today = now().date()
    read("starts", lambda v: inputs.date(v, minimum=today - dt.timedelta(days=366), maximum=today + dt.timedelta(days=3 * 366)))
    read("ends", lambda v: inputs.date(v, minimum=today - dt.timedelta(days=366), maximum=today + dt.timedelta(days=3 * 366)))
    if clean.get("starts") and clean.get("ends") and clean["ends"] < clean["starts"]:
        errors["ends"] = _("The end comes after the start.")
    read("expires", lambda v: inputs.date(v, minimum=today + dt.timedelta(days=1), maximum=today + dt.timedelta(days=366)))
    place = None
    if not typed["commune"]:
        errors["commune"] = _("Give the commune (name or postal code).")
    elif len(typed["commune"]) > 200:
        errors["commune"] = _("%(max)s characters at most.") % {"max": 200}
    else:
        place = place_of(typed["commune"])
        if place is None:
            errors["commune"] = _("This commune is unknown: check its name or give its postal code.")
    clean["place"] = place
    return typed, clean, errors


def place_of(text: str):
    """The commune of the gazetteer a member means by ``text`` ("Amiens", "80000", "Amiens (80000)")."""
    text = (text or "").strip()
    if "(" in text and text.endswith(")"):  # the label shown back: "Amiens (80000)"
        name, _sep, code = text[:-1].rpartition("(")
        found = [p for p in gazetteer.lookup(code.strip(), limit=50) if p.name == name.strip()]
        if found:
            return found[0]
    found = gazetteer.lookup(text, limit=1)
    return found[0] if found else None


# --- saving -----------------------------------------------------------------------------------------


def expiry_of(site: SiteRuntime, clean: dict) -> dt.datetime:
    if clean.get("expires"):
        return dt.datetime.combine(clean["expires"], dt.time(23, 59))
    return now() + dt.timedelta(days=int(settings(site)["expiry_days"]))


def save(site: SiteRuntime, actor: Entity, typed: dict, clean: dict, entity: Entity | None = None) -> Entity:
    """Create or update an ad from a parsed form; a new ad is recorded in the river, its expiry and
    reminder are queued, and members whose saved search it matches are told (after the commit)."""
    place = clean["place"]
    fields = {"direction": typed["direction"], "category": typed["category"], "theme": typed["theme"],
              "body": clean["body"], "link": clean["link"], "quantity": clean["quantity"],
              "commune": place.name, "postcode": place.postcode, "lat": place.lat, "lon": place.lon,
              "starts": clean["starts"], "ends": clean["ends"], "expires": expiry_of(site, clean)}
    with database.atomic():
        if entity is None:
            entity = entities.create(site, KIND, owner=actor, title=clean["title"], access_level=typed["access"])
            Ad.create(entity=entity, **fields)
            activity.record(site, actor=actor, verb="published", entity=entity)
            created = True
        else:
            old = Ad.get_by_id(entity.guid)
            if fields["expires"] != old.expires:
                fields["reminded"] = False
            Ad.update(**fields).where(Ad.entity == entity.guid).execute()
            entities.update(site, entity, title=clean["title"], access=typed["access"])
            created = False
        schedule(site, entity.guid, fields["expires"])
    if created:
        from plugins.offers import searches

        searches.notify_new(site, entity, Ad.get_by_id(entity.guid))
    return entity


def schedule(site: SiteRuntime, guid: int, expires: dt.datetime) -> None:
    """Queue the reminder and the expiry of an ad (once per expiry date: a renewed ad gets new ones)."""
    days = int(settings(site)["reminder_days"])
    stamp = expires.strftime("%Y%m%d%H%M")
    jobs.enqueue("offers.remind", site=site, args={"guid": guid}, run_after=expires - dt.timedelta(days=days),
                 key=f"offers.remind:{guid}:{stamp}")
    jobs.enqueue("offers.expire", site=site, args={"guid": guid}, run_after=expires, key=f"offers.expire:{guid}:{stamp}")


def close(site: SiteRuntime, entity: Entity, reason: str) -> bool:
    """Close an open ad (``answered`` or ``withdrawn``); False when it was already closed."""
    with database.atomic():
        done = Ad.update(state="closed", closed_reason=reason, closed_at=now()).where(
            Ad.entity == entity.guid, Ad.state == "open").execute()
        if done:
            entities.update(site, entity)
    return bool(done)


def renew(site: SiteRuntime, entity: Entity) -> dt.datetime:
    """Open the ad again for the site's expiry period from today (a new reminder will come)."""
    expires = now() + dt.timedelta(days=int(settings(site)["expiry_days"]))
    with database.atomic():
        Ad.update(state="open", closed_reason="", closed_at=None, expires=expires, reminded=False).where(
            Ad.entity == entity.guid).execute()
        entities.update(site, entity)
        schedule(site, entity.guid, expires)
    return expires


# --- reading ----------------------------------------------------------------------------------------


def is_open(ad: Ad) -> bool:
    return ad.state == "open" and ad.expires > now()


def open_condition():
    return (Ad.state == "open") & (Ad.expires > now())


def near_condition(lat: float, lon: float, km: float):
    """Ads within ``km`` of a point: the bounding box uses the (state, lat, lon) index; the circle is
    the equirectangular approximation, plain arithmetic on both databases (exact to a few metres at
    these distances)."""
    min_lat, min_lon, max_lat, max_lon = gazetteer.bbox_around(lat, lon, km)
    kx = math.cos(math.radians(lat))
    dx = (Ad.lon - lon) * kx
    dy = Ad.lat - lat
    limit = (km / KM_PER_DEGREE) ** 2
    return Ad.lat.between(min_lat, max_lat) & Ad.lon.between(min_lon, max_lon) & (dx * dx + dy * dy <= limit)


def listing(site: SiteRuntime, viewer: Account | None, *, direction: str = "", category: str = "", theme: str = "",
            point: tuple[float, float] | None = None, km: float = 20, owner: int | None = None,
            state: str = "open", before: int | None = None, limit: int = 20, exclude: int | None = None) -> list[Ad]:
    """Ads the viewer may see, newest first (keyset on the guid); ``state`` is ``open``, ``closed`` or
    ``all``. With ``point``, only those within ``km`` (each gets ``distance``, in km)."""
    owner_row = Entity.alias()  # read with the ad: a page shows each owner's name and picture
    query = (Ad.select(Ad, Entity, owner_row).join(Entity, on=(Ad.entity == Entity.guid))
             .join_from(Entity, owner_row, JOIN.LEFT_OUTER, on=(Entity.owner == owner_row.guid))
             .where(Entity.kind == KIND, access.visible(viewer, site))
             .order_by(Ad.entity.desc()).limit(limit))
    if state == "open":
        query = query.where(open_condition())
    elif state == "closed":
        query = query.where(~open_condition())
    if direction:
        query = query.where(Ad.direction == direction)
    if category:
        query = query.where(Ad.category == category)
    if theme:
        query = query.where(Ad.theme.in_(theme_family(site, theme)))
    if point is not None:
        query = query.where(near_condition(point[0], point[1], km))
    if owner:
        query = query.where(Entity.owner == owner)
    if before:
        query = query.where(Ad.entity < before)
    if exclude:
        query = query.where(Ad.entity != exclude)
    rows = list(query)
    for ad in rows:
        ad.distance = (gazetteer.distance_km(point[0], point[1], ad.lat, ad.lon)
                       if point is not None and ad.lat is not None else None)
    return rows


def matches(site: SiteRuntime, viewer: Account | None, ad: Ad, limit: int = 6) -> list[Ad]:
    """The open ads answering this one: offers for a need, needs for an offer, of the same theme (of the
    same kind when it has none), within the site's matching distance, nearest first."""
    other = "offer" if ad.direction == "need" else "need"
    km = float(settings(site)["match_km"])
    point = (ad.lat, ad.lon) if ad.lat is not None else None
    found = listing(site, viewer, direction=other, theme=ad.theme, category="" if ad.theme else ad.category,
                    point=point, km=km, limit=100, exclude=ad.entity_id)
    found.sort(key=lambda a: (a.distance if a.distance is not None else 0, -a.entity_id))
    return found[:limit]


def open_count(site: SiteRuntime, owner: int, viewer: Account | None = None) -> int:
    """How many open ads ``owner`` has that ``viewer`` (a visitor by default) may see."""
    return (Ad.select().join(Entity, on=(Ad.entity == Entity.guid))
            .where(Entity.owner == owner, Entity.kind == KIND, open_condition(), access.visible(viewer, site))
            .count())


# --- who reads what is mailed to an ad's owner -----------------------------------------------------


def readers(site: SiteRuntime, owner: Entity) -> list[Account]:
    """The accounts behind an ad's owner: the member, or the managers of the organisation."""
    if owner.kind == "user":
        guids = [owner.guid]
    else:
        guids = [r.subject_id for r in Relationship.select(Relationship.subject).where(
            Relationship.object == owner.guid, Relationship.verb == "manages")]
    if not guids:
        return []
    return list(Account.select(Account, Entity).join(Entity, on=(Account.entity == Entity.guid))
                .where(Account.entity.in_(guids), Account.site == site.id, Account.state == "active"))


# --- expiry and its reminder (jobs, run by the worker; each safe to run twice) -------------------


def _due(site: SiteRuntime, guid: int | None):
    query = (Ad.select(Ad, Entity).join(Entity, on=(Ad.entity == Entity.guid))
             .where(Entity.site == site.id, Entity.kind == KIND, Entity.deleted_at.is_null(), Ad.state == "open"))
    return query.where(Ad.entity == guid) if guid is not None else query


def remind(site: SiteRuntime, guid: int | None = None) -> int:
    """Mail the owner of each open ad (``guid``, or every one) whose expiry is within the reminder
    period; an ad is reminded once per expiry date (``reminded`` is set in the mail's transaction)."""
    days = int(settings(site)["reminder_days"])
    sent = 0
    for ad in _due(site, guid).where(Ad.reminded == False, Ad.expires > now(),  # noqa: E712
                                     Ad.expires <= now() + dt.timedelta(days=days)):
        with database.atomic():
            if not Ad.update(reminded=True).where(Ad.entity == ad.entity_id, Ad.reminded == False).execute():  # noqa: E712
                continue  # another worker took it
            link = urls.absolute(site, url(site, ad.entity))
            for account in readers(site, ad.entity.owner):
                with notifications.in_language(site, account):
                    mail.send(site, account.email, _("Your ad expires soon: %(title)s") % {"title": ad.entity.title},
                              _("Hello,\n\nYour ad \"%(title)s\" will close on %(date)s.\n\n"
                                "If it is still current, renew it from its page; if it was answered, close it there:\n"
                                "%(url)s\n") % {"title": ad.entity.title, "date": ad.expires.strftime("%d/%m/%Y"),
                                                "url": link})
            sent += 1
    return sent


def expire(site: SiteRuntime, guid: int | None = None) -> int:
    """Close each open ad (``guid``, or every one) whose expiry has passed; return how many."""
    closed = 0
    for ad in _due(site, guid).where(Ad.expires <= now()):
        with database.atomic():
            if Ad.update(state="closed", closed_reason="expired", closed_at=now()).where(
                    Ad.entity == ad.entity_id, Ad.state == "open").execute():
                entities.update(site, ad.entity)
                closed += 1
    return closed


def remind_job(site: SiteRuntime, guid: int) -> None:
    remind(site, guid)


def expire_job(site: SiteRuntime, guid: int) -> None:
    expire(site, guid)


def summary_text(ad: Ad) -> str:
    return plain_text(ad.body, 300)
