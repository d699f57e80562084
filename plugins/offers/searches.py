"""Saved searches: a member keeps a search (kind of ad, theme, commune and radius) and is told of each
new ad matching it, through their notification choice (event ``offers.match``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import gazetteer, inputs, notifications, relationships
from core.i18n import gettext as _
from core.models import Account, Entity
from plugins.offers import ads
from plugins.offers.models import Ad, SavedSearch

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

MAX_PER_MEMBER = 20
EVENT = "offers.match"


def mine(site: SiteRuntime, user: Account) -> list[SavedSearch]:
    return list(SavedSearch.select().where(SavedSearch.site == site.id, SavedSearch.member == user.guid)
                .order_by(SavedSearch.id))


def parse(site: SiteRuntime, data) -> tuple[dict, dict, dict]:
    """(typed values, clean values, errors) of the saved-search form."""
    typed = {name: inputs.clean_text(str(data.get(name) or "")) for name in
             ("direction", "category", "theme", "place", "km")}
    clean, errors = {"place": None, "km": 20}, {}
    if typed["direction"] and typed["direction"] not in ads.DIRECTIONS:
        errors["direction"] = _("Choose a need or an offer.")
    if typed["category"] and typed["category"] not in ads.CATEGORIES:
        errors["category"] = _("Choose what the ad is about.")
    if typed["theme"] and typed["theme"] not in {k for k, _label, _parent in ads.themes(site)}:
        errors["theme"] = _("Choose a theme of the list.")
    try:
        clean["km"] = inputs.integer(typed["km"], minimum=1, maximum=ads.MAX_KM, default=20)
    except inputs.InvalidInput as exc:
        errors["km"] = str(exc)
    if typed["place"]:
        clean["place"] = ads.place_of(typed["place"][:200])
        if clean["place"] is None:
            errors["place"] = _("This commune is unknown: check its name or give its postal code.")
    return typed, clean, errors


def save(site: SiteRuntime, user: Account, typed: dict, clean: dict) -> SavedSearch | None:
    """Keep the search; None when the member already keeps :data:`MAX_PER_MEMBER` of them."""
    if SavedSearch.select().where(SavedSearch.site == site.id, SavedSearch.member == user.guid).count() >= MAX_PER_MEMBER:
        return None
    place = clean["place"]
    return SavedSearch.create(site=site.id, member=user.guid, direction=typed["direction"],
                              category=typed["category"], theme=typed["theme"],
                              commune=place.label if place else "", lat=place.lat if place else None,
                              lon=place.lon if place else None, km=clean["km"])


def remove(site: SiteRuntime, user: Account, search_id: int) -> bool:
    return bool(SavedSearch.delete().where(SavedSearch.id == search_id, SavedSearch.site == site.id,
                                           SavedSearch.member == user.guid).execute())


def matching(site: SiteRuntime, ad: Ad) -> list[int]:
    """The members whose saved search ``ad`` matches (kind, theme or the theme above it, radius)."""
    query = SavedSearch.select().where(
        SavedSearch.site == site.id,
        (SavedSearch.direction == "") | (SavedSearch.direction == ad.direction),
        (SavedSearch.category == "") | (SavedSearch.category == ad.category),
        (SavedSearch.theme == "") | SavedSearch.theme.in_(ads.theme_and_parent(site, ad.theme) if ad.theme else [""]))
    members = set()
    for search in query:
        if search.lat is not None:
            if ad.lat is None or gazetteer.distance_km(search.lat, search.lon, ad.lat, ad.lon) > search.km:
                continue
        members.add(search.member_id)
    return sorted(members)


def notify_new(site: SiteRuntime, entity: Entity, ad: Ad) -> int:
    """Tell the members whose saved search the new ad matches (never its author, nor the managers of the
    organisation that published it; only those who may see it: the core checks access for each)."""
    owner = entity.owner_id
    members = [m for m in matching(site, ad) if m != owner and not relationships.has(m, "manages", owner)]
    if not members:
        return 0
    return notifications.notify(site, EVENT, members, actor=entity.owner, entity=entity,
                                text=ads.summary_text(ad))
