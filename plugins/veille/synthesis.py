"""The weekly synthesis: each subscriber gets, once a week, the links of the week of what they
subscribed to (the site, themes of the site, groups or organisations), grouped by theme, the most
useful first, with the notes.

It goes the way the core's digests go (:mod:`core.notifications`): one run at a time per site and
week (the core's ``digest_lock``), then per member one transaction that puts the mail in the
outbox and writes the member's :class:`Delivery` row for the week, so a run stopped anywhere
resumes with the members not yet served and nobody is mailed twice. The job ``veille.synthesis``
is queued for the Monday after each week that had a link (the worker runs it); the command
``maillage veille-synthesis`` sends a week by hand. The archive pages read the same links, as
each reader may see them.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from peewee import fn

from core import access, mail, text, tokens, urls, web
from core.db import database, now
from core.i18n import gettext as _
from core.models import Account, Entity
from core.notifications import digest_lock, in_language
from plugins.veille import links, themes
from plugins.veille.models import KIND, Delivery, Link, Note, Subscription, Synthesis

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

log = logging.getLogger("maillage.veille")

UNSUBSCRIBE_MAX_AGE = 5 * 365 * 24 * 3600
SCOPES = ("site", "theme", "in")
PER_SECTION = 50


def last_week(today: dt.date | None = None) -> dt.date:
    """The Monday of the last complete week."""
    return links.week_of(today or now().date()) - dt.timedelta(days=7)


def week_bounds(week: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(week, dt.time())
    return start, start + dt.timedelta(days=7)


# --- subscriptions --------------------------------------------------------------------------


def subscriptions(member_guid: int) -> set[tuple[str, str]]:
    return {(s.scope, s.key) for s in Subscription.select().where(Subscription.member == member_guid)}


def subscribe(site: SiteRuntime, member_guid: int, scope: str, key: str = "") -> None:
    assert scope in SCOPES
    Subscription.insert(site=site.id, member=member_guid, scope=scope, key=str(key), created=now()) \
        .on_conflict_ignore().execute()


def unsubscribe(member_guid: int, scope: str | None = None, key: str = "") -> int:
    """Stop one subscription, or all of them (``scope`` None)."""
    query = Subscription.delete().where(Subscription.member == member_guid)
    if scope is not None:
        query = query.where(Subscription.scope == scope, Subscription.key == str(key))
    return query.execute()


def unsubscribe_url(site: SiteRuntime, member_guid: int) -> str:
    token = tokens.make(site, "veille.synthesis", {"uid": member_guid})
    return urls.absolute(site, web.url_for(site, "veille-unsubscribe", token=token))


def read_token(site: SiteRuntime, token: str) -> dict:
    return tokens.read(site, "veille.synthesis", token, UNSUBSCRIBE_MAX_AGE)


# --- what a synthesis holds ------------------------------------------------------------------


def week_links(site: SiteRuntime, viewer: Account | None, week: dt.date, place: int | None = None,
               theme_keys: list[str] | None = None) -> list[Link]:
    """The week's links of ``place`` (0: the site; None: everywhere) the viewer may see, the most
    useful first, then the best rated, then the oldest."""
    start, end = week_bounds(week)
    query = (Link.select(Link, Entity).join(Entity, on=(Link.entity == Entity.guid))
             .where(Entity.kind == KIND, Entity.created >= start, Entity.created < end,
                    access.visible(viewer, site))
             .order_by(Link.useful.desc(), Link.entity).limit(500))
    if place is not None:
        query = query.where(Link.place == place)
    rows = list(query)
    if theme_keys is not None:
        wanted = set(theme_keys)
        rows = [r for r in rows if wanted & set(r.themes)]  # the theme filter of a page already read
    return rows


def by_theme(site: SiteRuntime, rows: list[Link]) -> list[tuple[str, list[Link]]]:
    """The links grouped under the top theme of their first theme, in the taxonomy's order, those
    without a theme last; each group keeps the order of ``rows`` (the most useful first)."""
    names = {node["key"]: node["label"] for node in themes.tree(site)}
    groups: dict[str, list[Link]] = {}
    for row in rows:
        key = themes.parent_of(site, row.themes[0]) if row.themes else ""
        groups.setdefault(key if key in names else "", []).append(row)
    order = [*names, ""]
    return [(names.get(key) or _("Other links"), groups[key]) for key in order if key in groups]


def notes_of(rows: list[Link]) -> dict[int, list[Note]]:
    """The notes of the links of a synthesis, by link, with their authors (one query)."""
    return links.notes_by_link(rows)


def sections_for(site: SiteRuntime, account: Account, week: dt.date) -> list[tuple[str, list[tuple[str, list[Link]]]]]:
    """(heading, groups by theme) for each synthesis ``account`` subscribed to, with what they may see."""
    mine = subscriptions(account.guid)
    sections = []
    if ("site", "") in mine:
        rows = week_links(site, account, week, place=0)
        if rows:
            sections.append((site.name, by_theme(site, rows)))
    else:
        keys = sorted({k for scope, key in mine if scope == "theme" for k in themes.with_children(site, key)})
        if keys:
            rows = week_links(site, account, week, place=0, theme_keys=keys)
            if rows:
                sections.append((site.name, by_theme(site, rows)))
    places = sorted(int(key) for scope, key in mine if scope == "in" and key.isdigit())
    for guid in places:
        container = Entity.select().where(Entity.guid == guid, access.visible(account, site)).first()
        if container is None:
            continue
        rows = week_links(site, account, week, place=guid)
        if rows:
            sections.append((container.title, by_theme(site, rows)))
    return sections


# --- sending ------------------------------------------------------------------------------------


def record_syntheses(site: SiteRuntime, week: dt.date) -> int:
    """Write the week's :class:`Synthesis` rows (one per place that had links); return how many places."""
    start, end = week_bounds(week)
    counts = (Link.select(Link.place, fn.COUNT(Entity.guid)).join(Entity, on=(Link.entity == Entity.guid))
              .where(Entity.site == site.id, Entity.kind == KIND, Entity.deleted_at.is_null(),
                     Entity.created >= start, Entity.created < end).group_by(Link.place).tuples())
    places = 0
    for place, count in counts:
        Synthesis.insert(site=site.id, place=place, week=week, links=count, created=now()).on_conflict(
            conflict_target=[Synthesis.site, Synthesis.place, Synthesis.week],
            update={Synthesis.links: count}).execute()
        places += 1
    return places


def send_week(site: SiteRuntime, week: dt.date | None = None, progress=None) -> dict:
    """Mail the synthesis of ``week`` (a Monday; the last complete week by default) to every subscriber
    not yet served; return counts (``busy`` when another run holds the week)."""
    week = links.week_of(week or last_week())
    with digest_lock(site, f"veille-{week.isoformat()}") as mine:
        if not mine:
            log.warning("another veille synthesis run is at work on %s (%s); nothing sent", site.id, week)
            return {"members": 0, "mailed": 0, "busy": 1}
        record_syntheses(site, week)
        served = {g for (g,) in Delivery.select(Delivery.member).where(Delivery.site == site.id,
                                                                        Delivery.week == week).tuples()}
        members = sorted({g for (g,) in Subscription.select(Subscription.member).where(
            Subscription.site == site.id).tuples()} - served)
        counts = {"members": 0, "mailed": 0}
        for guid in members:
            with database.atomic():
                if Delivery.select().where(Delivery.member == guid, Delivery.site == site.id,
                                           Delivery.week == week).exists():
                    continue
                mailed = _serve(site, guid, week)
            counts["members"] += 1
            counts["mailed"] += 1 if mailed else 0
            if progress:
                progress()
        return counts


def _serve(site: SiteRuntime, guid: int, week: dt.date) -> int:
    """Queue one member's synthesis and record it (call in a transaction); return how many links it held."""
    account = Account.select(Account, Entity).join(Entity).where(Account.entity == guid,
                                                                 Account.site == site.id).first()
    count = 0
    if account is not None and account.state == "active":
        with in_language(site, account):
            sections = sections_for(site, account, week)
            count = sum(len(rows) for _heading, groups in sections for _theme, rows in groups)
            if count:
                _mail(site, account, week, sections)
    Delivery.insert(site=site.id, week=week, member=guid, links=count, mailed_at=now()).on_conflict_ignore().execute()
    return count


def _mail(site: SiteRuntime, account: Account, week: dt.date, sections) -> None:
    from core.i18n import format_date

    stop = unsubscribe_url(site, account.guid)
    settings = urls.absolute(site, web.url_for(site, "veille-subscriptions"))
    archive = urls.absolute(site, web.url_for(site, "veille-syntheses"))
    when = format_date(week, "long")
    notes = notes_of([row for _h, groups in sections for _t, rows in groups for row in rows])
    plain, markdown = [], []
    for heading, groups in sections:
        plain += ["", f"== {heading} =="]
        markdown += [f"## {heading}"]
        for theme, rows in groups[:PER_SECTION]:
            plain += ["", f"{theme}:"]
            markdown += [f"### {theme}"]
            for row in rows:
                page = urls.absolute(site, links.url(site, row.entity))
                useful = (" — " + _("%(num)s found it useful") % {"num": row.useful}) if row.useful else ""
                plain += [f"- {row.entity.title}{useful}", f"  {row.url}"]
                markdown += [f"- **[{_md(row.entity.title)}]({row.url})**{_md(useful)} ([{_('discuss')}]({page}))"]
                for note in notes.get(row.entity_id, []):
                    who = note.author.title if note.author_id else _("Former member")
                    stars = f" ({note.rating}/5)" if note.rating else ""
                    if note.body or stars:
                        plain.append(f"  {who}{stars}: {text.plain_text(note.body, 400)}")
                        markdown.append(f"  - *{_md(who)}{stars}*: {_md(text.plain_text(note.body, 400))}")
                plain.append(f"  {page}")
    intro = _("The links shared in the week of %(date)s, the most useful first.") % {"date": when}
    footer = _("Your subscriptions: %(settings)s\nPast syntheses: %(archive)s\nTo receive no more syntheses: "
               "%(stop)s") % {"settings": settings, "archive": archive, "stop": stop}
    body = _("Hello %(name)s,") % {"name": account.name} + f"\n\n{intro}\n" + "\n".join(plain) + f"\n\n--\n{footer}"
    html = text.render_markdown(f"{intro}\n\n" + "\n".join(markdown) + "\n\n---\n\n" + footer.replace("\n", "  \n"))
    subject = _("[%(site)s] The week's links (%(date)s)") % {"site": site.name, "date": when}
    mail.send(site, account.email, subject, body, html=str(html),
              headers={"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


def _md(value: str) -> str:
    """``value`` safe inside markdown text (no link or emphasis of its own)."""
    return "".join("\\" + c if c in "\\`*_[]()<>#!|" else c for c in value or "")


def run_job(site: SiteRuntime, week: str) -> None:
    """The job ``veille.synthesis``: send the synthesis of ``week`` (an ISO date)."""
    send_week(site, dt.date.fromisoformat(week))


def archive(site: SiteRuntime, place: int, before: dt.date | None = None, limit: int = 30) -> list[Synthesis]:
    """The past syntheses of a place, the latest first."""
    query = (Synthesis.select().where(Synthesis.site == site.id, Synthesis.place == place)
             .order_by(Synthesis.week.desc()).limit(limit))
    if before:
        query = query.where(Synthesis.week < before)
    return list(query)


def command(args) -> int:
    """``maillage veille-synthesis [--site ID] [--week YYYY-MM-DD]``."""
    from core.commands import CLIError, each_site

    try:
        week = dt.date.fromisoformat(args.week) if args.week else None
    except ValueError:
        raise CLIError("--week: give a date such as 2026-11-23") from None
    for site in each_site(args.site):
        if "veille" in site.enabled_names:
            counts = send_week(site, week)
            if counts.get("busy"):
                print(f"{site.id}: another run is sending this synthesis; nothing sent")
                continue
            print(f"{site.id}: synthesis of the week sent to {counts['mailed']} member(s) "
                  f"({counts['members']} served, in the outbox)")
    return 0
