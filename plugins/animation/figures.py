"""The figures every site has (sign-ups, activity, content per kind, open requests), and the
collection of every enabled plugin's figures through ``maillage_adoption_figures``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from peewee import fn

from core import visits
from core.i18n import gettext_lazy as _l
from core.kinds import Figure
from core.models import Account, Activity, Entity, Relationship
from core.moderation import Report

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def as_day(value) -> dt.date:
    """A ``DATE(column)`` value as a date (SQLite gives text, PostgreSQL a date)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def per_day(query, column) -> dict[dt.date, int]:
    """``{day: rows}`` of ``query`` grouped by the day of ``column``, counted in the database."""
    day = fn.DATE(column)
    rows = query.select(day.alias("d"), fn.COUNT(1).alias("n")).group_by(day).tuples()
    return {as_day(d): n for d, n in rows}


def _signups(site: SiteRuntime, start, end):
    return per_day(Account.select().where(Account.site == site.id, Account.created >= start,
                                          Account.created < end), Account.created)


def _published(kind):
    def count(site: SiteRuntime, start, end):
        return per_day(Entity.select().where(Entity.site == site.id, Entity.kind == kind, Entity.created >= start,
                                             Entity.created < end), Entity.created)
    return count


def _actors(site: SiteRuntime, start, end, people_only=False):
    query = (Activity.select(Activity.actor).where(Activity.site == site.id, Activity.created >= start,
                                                   Activity.created < end))
    if people_only:
        query = query.join(Entity, on=(Activity.actor == Entity.guid)).where(Entity.kind == "user")
    return query.distinct()


def _active(site: SiteRuntime, start, end):
    return _actors(site, start, end).count()


def _contributors(site: SiteRuntime, start, end):
    return _actors(site, start, end, people_only=True).count()


def _readers(site: SiteRuntime, start, end):
    """Members who came in the period (a day of visit, or a sign-in) and did not contribute."""
    came = Account.entity.in_(visits.came(site.id, start, end)) | ((Account.last_login >= start)
                                                                   & (Account.last_login < end))
    return (Account.select().where(Account.site == site.id, came,
                                   Account.entity.not_in(_actors(site, start, end, people_only=True)))
            .count())


def _open_reports(site: SiteRuntime, start, end):
    return Report.select().where(Report.site == site.id, Report.resolved.is_null()).count()


def _pending_requests(site: SiteRuntime, start, end):
    return Relationship.select().where(Relationship.site == site.id,
                                       Relationship.verb == "connection_requested").count()


CORE = (
    Figure("signups", _l("Sign-ups"), _signups),
    Figure("active", _l("Active members and organisations"), _active, mode="distinct"),
    Figure("contributors", _l("Contributors (published, commented or replied)"), _contributors, mode="distinct"),
    Figure("readers", _l("Readers (came without contributing)"), _readers, mode="distinct"),
    Figure("open_reports", _l("Reports waiting for a moderator"), _open_reports, mode="level", good="down"),
    Figure("pending_requests", _l("Connection requests waiting for an answer"), _pending_requests, mode="level",
           good="down"),
)


def published_figures(site: SiteRuntime) -> list[Figure]:
    """One "published" figure per entity kind of the enabled plugins (members and comments apart)."""
    return [Figure(f"published:{kind.name}", kind.plural or kind.label, _published(kind.name))
            for kind in site.entity_kinds.values() if kind.name not in ("user",)]


def collect(site: SiteRuntime) -> list[Figure]:
    """Every figure of ``site``: the core's, one per content kind, then each enabled plugin's."""
    figures = list(CORE) + published_figures(site)
    for contributed in site.call("maillage_adoption_figures", site=site):
        figures.extend(contributed if isinstance(contributed, list | tuple) else [contributed])
    return figures
