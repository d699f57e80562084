"""Notifications: in the site (unread count, mark read) and by mail (at once, daily or weekly digest).

Plugins declare their events (``maillage_notification_events``) and call
:func:`notify`. Each member chooses, per event, how it reaches them; the site sets the
defaults (*Administration > Notifications*). ``maillage send-digests`` (from cron or a
systemd timer) sends one digest per member and period, grouping many notifications about
one thing in one line, never twice; an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING

import peewee as pw

from core import access, entities, i18n, mail, tokens
from core.db import BaseModel, database, is_postgres, now
from core.i18n import gettext as _
from core.i18n import gettext_lazy, ngettext
from core.models import Account, Entity, Relationship

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

log = logging.getLogger("maillage.notifications")

DELIVERIES = ("instant", "daily", "weekly", "site")
DELIVERY_LABELS = {
    "instant": gettext_lazy("By e-mail at once"),
    "daily": gettext_lazy("In a daily e-mail digest"),
    "weekly": gettext_lazy("In a weekly e-mail digest"),
    "site": gettext_lazy("Only on the site"),
}
UNSUBSCRIBE_MAX_AGE = 365 * 24 * 3600


class Notification(BaseModel):
    """One thing a member is told about."""

    site = pw.CharField(max_length=64)
    recipient = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    event = pw.CharField(max_length=64)
    actor = pw.ForeignKeyField(Entity, null=True, on_delete="CASCADE", backref="+")
    entity = pw.ForeignKeyField(Entity, null=True, on_delete="CASCADE", backref="+")
    text = pw.TextField(default="")
    group_key = pw.CharField(max_length=120, default="")
    delivery = pw.CharField(max_length=10, default="site")
    created = pw.DateTimeField(default=now)
    read_at = pw.DateTimeField(null=True)
    mailed_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("recipient", "read_at"), False), (("delivery", "mailed_at"), False))


class NotificationCount(BaseModel):
    """How many of a member's notifications are unread: kept by database triggers on every insert,
    update and delete of ``notification`` (core migration 0011), never counted on a page."""

    recipient = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    unread = pw.IntegerField(default=0)

    class Meta:
        table_name = "notification_count"


class NotificationPreference(BaseModel):
    """How one member wants one event delivered."""

    user = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    event = pw.CharField(max_length=64)
    delivery = pw.CharField(max_length=10)

    class Meta:
        indexes = ((("user", "event"), True),)


MAIN = "*"  # the event name under which a member's main choice is kept (exceptions are per event)


def delivery_for(site: SiteRuntime, user_guid: int, event: str) -> str:
    """The member's exception for ``event``, else their main choice, else the site's default for
    ``event``, else the event's own default."""
    chosen = dict(NotificationPreference.select(NotificationPreference.event, NotificationPreference.delivery)
                  .where(NotificationPreference.user == user_guid,
                         NotificationPreference.event.in_([event, MAIN])).tuples())
    if event in chosen:
        return chosen[event]
    if MAIN in chosen:
        return chosen[MAIN]
    defaults = site.settings.get("notification_defaults") or {}
    if event in defaults:
        return defaults[event]
    declared = site.notification_events.get(event)
    return declared.default if declared else "site"


def notify(site: SiteRuntime, event: str, recipients, actor: Entity | None, entity: Entity | None, text: str = "",
           private: bool = False) -> int:
    """Tell ``recipients`` (guids or Accounts) about ``event``; return how many were notified.

    The actor is never told about their own action; nobody is told about an entity they
    cannot see, or by someone they block.

    ``private=True`` is for an entity read under the plugin's own rule rather than the access
    levels (a private conversation: only its participants): the plugin checked its recipients
    itself, so the core's access check is skipped (the managers of a recipient organisation are
    told as usual), and the notification goes by mail only — at once or in the digest, as the
    member chose — since the notifications page, which lists what the access levels show, could
    not show it: the plugin shows its own unread state on the site.
    """
    guids = {r.guid if hasattr(r, "guid") else int(r) for r in recipients}
    if actor is not None:
        guids.discard(actor.guid)
    if not guids:
        return 0
    guids |= _managers_of(guids, actor)
    accounts = list(Account.select(Account, Entity).join(Entity)
                    .where(Account.entity.in_(list(guids)), Account.site == site.id, Account.state == "active"))
    sent = 0
    for account in accounts:
        if actor is not None and Relationship.select().where(
                Relationship.subject == account.guid, Relationship.verb == "blocks",
                Relationship.object == actor.guid).exists():
            continue
        if entity is not None and not private and not access.can_see(account, site, entity):
            continue
        delivery = delivery_for(site, account.guid, event)
        with database.atomic():  # the notification and its mail are committed together
            row = Notification.create(site=site.id, recipient=account.guid, event=event, actor=actor,
                                      entity=entity, text=text[:1000],
                                      group_key=f"{event}:{entity.guid if entity else ''}",
                                      delivery=delivery, created=now(), read_at=now() if private else None)
            if delivery == "instant":
                with in_language(site, account):
                    _mail_instant(site, account, row)
        sent += 1
    return sent


def _managers_of(guids: set[int], actor: Entity | None) -> set[int]:
    """The members who manage recipients that are not members (an association, a group).

    Content owned by an organisation is "my content" for the people who run it; the
    member who acted is left out.
    """
    query = Relationship.select(Relationship.subject).where(Relationship.verb == "manages",
                                                            Relationship.object.in_(list(guids)))
    managers = {row.subject_id for row in query}
    if actor is not None:
        managers.discard(actor.guid)
        managers -= {row.subject_id for row in Relationship.select(Relationship.subject).where(
            Relationship.verb == "manages", Relationship.object == actor.guid)}
    return managers


@contextlib.contextmanager
def in_language(site: SiteRuntime, account: Account):
    """Write a mail in the member's language (else the site's), then restore the current one."""
    lang = account.language or site.config.language or i18n.current_language()
    token_t, token_l = i18n._current.set(site.translations(lang)), i18n._current_lang.set(lang)
    try:
        yield lang
    finally:
        i18n._current.reset(token_t)
        i18n._current_lang.reset(token_l)


def describe(site: SiteRuntime, n: Notification, count: int = 1, reader: Account | None = None) -> str:
    """One line saying what happened ("Ada commented on …", "12 new replies in …"), for ``reader`` (the
    recipient): an actor they may not see (a hidden group) stays unnamed.

    An event may word its grouped line itself: ``NotificationEvent(..., extra={"grouped": fn})``
    where ``fn(count, title)`` returns the text (use ``ngettext``).
    """
    declared = site.notification_events.get(n.event)
    label = str(declared.label) if declared else n.event
    what = n.entity.title if n.entity_id else ""
    who = entities.as_seen_by(site, reader, n.actor).title if n.actor_id else ""
    grouped = declared.extra.get("grouped") if declared else None
    if count > 1 and grouped:
        return grouped(count, what)
    if count > 1:
        return ngettext("%(num)s notifications: %(label)s — %(what)s",
                        "%(num)s notifications: %(label)s — %(what)s", count) % {
            "num": count, "label": label, "what": what}
    line = f"{label} — {what}" if what else label
    if who:
        line = f"{who}: {line}"
    return f"{line}\n{n.text}" if n.text else line


def parts(site: SiteRuntime, n: Notification, reader: Account | None = None) -> dict:
    """What a notification's card shows: ``actor`` (the entity as ``reader`` may see it, or None),
    ``label`` (the event's label, in the reader's language) and ``what`` (the title of what it is about)."""
    declared = site.notification_events.get(n.event)
    return {"actor": entities.as_seen_by(site, reader, n.actor) if n.actor_id else None,
            "label": str(declared.label) if declared else n.event, "what": n.entity.title if n.entity_id else ""}


def url_of(site: SiteRuntime, entity: Entity | None) -> str:
    """The path of an entity's page, as its kind builds it."""
    from core.web import entity_url

    return "/notifications" if entity is None else entity_url(site, entity)


def unsubscribe_link(site: SiteRuntime, account: Account, event: str) -> str:
    """A link that stops this kind of mail without signing in."""
    from core.urls import base_url

    token = tokens.make(site, "unsubscribe", {"uid": account.guid, "event": event})
    return f"{base_url(site)}/unsubscribe/{token}"


def _mail_instant(site: SiteRuntime, account: Account, n: Notification) -> None:
    from core.urls import base_url

    link = base_url(site) + url_of(site, n.entity)
    stop = unsubscribe_link(site, account, n.event)
    text = _("%(line)s\n\n%(link)s\n\n--\nTo stop these messages: %(stop)s\nYour settings: %(prefs)s") % {
        "line": describe(site, n, reader=account), "link": link, "stop": stop, "prefs": base_url(site) + "/notifications/settings"}
    mail.send(site, account.email, f"[{site.name}] {describe(site, n, reader=account).splitlines()[0][:120]}", text,
              headers={"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    Notification.update(mailed_at=now()).where(Notification.id == n.id).execute()


def unread_count(user_guid: int) -> int:
    """How many notifications the member has not read: one primary-key read of the count the
    database keeps on write (:class:`NotificationCount`). A signed-in page has it already, read
    with the member's session (``account.unread_notifications``)."""
    count = NotificationCount.select(NotificationCount.unread).where(NotificationCount.recipient == user_guid).scalar()
    return count or 0


@contextlib.contextmanager
def digest_lock(site: SiteRuntime, period: str):
    """Hold the right to send ``site``'s ``period`` digests; yield False if another run holds it.

    Two overlapping runs (a slow cron job and the next one, two servers) must not mail the
    same items: PostgreSQL gives an advisory lock, SQLite a lock on a file beside the database.
    """
    key = f"maillage-digests:{site.id}:{period}"
    if is_postgres():
        got = database.execute_sql("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()[0]
        try:
            yield bool(got)
        finally:
            if got:
                database.execute_sql("SELECT pg_advisory_unlock(hashtext(%s))", (key,))
        return
    import fcntl
    import os
    import tempfile

    path = database.database
    folder = os.path.dirname(os.path.abspath(path)) if path and path != ":memory:" else tempfile.gettempdir()
    with open(os.path.join(folder, f".{key.replace(':', '-')}.lock"), "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def send_digests(site: SiteRuntime, period: str, progress=None) -> dict:
    """Send the ``daily`` or ``weekly`` digests of ``site``; return counts.

    Only one run at a time sends a site's digests of one period (:func:`digest_lock`);
    a run that finds another one at work sends nothing and says so (``busy``).
    """
    with digest_lock(site, period) as mine:
        if not mine:
            log.warning("another send-digests run is at work on %s (%s); nothing sent", site.id, period)
            return {"members": 0, "items": 0, "busy": 1}
        return _send_digests(site, period, progress)


def _send_digests(site: SiteRuntime, period: str, progress=None) -> dict:
    """Send the ``daily`` or ``weekly`` digests of ``site``; return counts.

    Each member's digest is put in the outbox and its items marked as mailed in one
    transaction: a run killed at any point resumes with the members not yet served, and
    nobody gets a digest twice. Delivery (and its retries) is the outbox's work.
    """
    assert period in ("daily", "weekly")
    pending = (Notification.select(Notification.recipient).distinct()
               .where(Notification.site == site.id, Notification.delivery == period, Notification.mailed_at.is_null()))
    recipients = [row.recipient_id for row in pending]
    counts = {"members": 0, "items": 0}
    for guid in recipients:
        with database.atomic():
            served = _digest_for(site, period, guid)
        if served:
            counts["members"] += 1
            counts["items"] += served
        if progress:
            progress()
    return counts


def _digest_for(site: SiteRuntime, period: str, guid: int) -> int:
    """Queue one member's digest and mark its items mailed (call in a transaction); return how
    many items it held (0: nothing to send, or a member who can no longer receive mail)."""
    from core.urls import base_url

    account = Account.select(Account, Entity).join(Entity).where(Account.entity == guid).first()
    rows = list(Notification.select().where(Notification.recipient == guid, Notification.delivery == period,
                                            Notification.mailed_at.is_null()).order_by(Notification.id))
    if rows:
        Notification.update(mailed_at=now()).where(Notification.id.in_([r.id for r in rows])).execute()
    if account is None or account.state != "active" or not rows:
        return 0
    groups: OrderedDict[str, list] = OrderedDict()
    for row in rows:
        groups.setdefault(row.group_key, []).append(row)
    with in_language(site, account):
        lines = [f"- {describe(site, items[-1], len(items), reader=account)}\n  {base_url(site)}{url_of(site, items[-1].entity)}"
                 for items in groups.values()]
        for heading, extra in site.call("maillage_digest_sections", site=site, account=account, period=period):
            lines += ["", f"{heading}:", *extra]
        stop = unsubscribe_link(site, account, "*")
        title = (_("Your daily digest from %(site)s") if period == "daily"
                 else _("Your weekly digest from %(site)s"))
        text = _("Hello %(name)s,\n\nWhat happened on %(site)s:\n\n%(lines)s\n\n--\n"
                 "To stop these messages: %(stop)s") % {
            "name": account.name, "site": site.name, "lines": "\n".join(lines), "stop": stop}
    mail.send(site, account.email, title % {"site": site.name}, text,
              headers={"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    return len(rows)


def unsubscribe(site: SiteRuntime, token: str) -> tuple[Account, str]:
    """Apply an unsubscribe token: that event (or every event, ``*``) is then only shown in the site."""
    data = tokens.read(site, "unsubscribe", token, UNSUBSCRIBE_MAX_AGE)
    account = Account.get_or_none(Account.entity == data["uid"], Account.site == site.id)
    if account is None:
        raise tokens.TokenError(expired=False)
    events = [MAIN, *site.notification_events] if data["event"] == "*" else [data["event"]]
    for event in events:
        set_preference(account.guid, event, "site")
    return account, data["event"]


def main_choice(user_guid: int) -> str | None:
    """The member's main choice (one of :data:`DELIVERIES`), or None if they made none."""
    row = NotificationPreference.get_or_none(NotificationPreference.user == user_guid,
                                             NotificationPreference.event == MAIN)
    return row.delivery if row else None


def exceptions(user_guid: int) -> dict[str, str]:
    """The member's choices for single kinds of notification, {event: delivery}."""
    return dict(NotificationPreference.select(NotificationPreference.event, NotificationPreference.delivery)
                .where(NotificationPreference.user == user_guid, NotificationPreference.event != MAIN).tuples())


def clear_preference(user_guid: int, event: str) -> None:
    """Forget the member's exception for ``event``: their main choice applies again."""
    NotificationPreference.delete().where(NotificationPreference.user == user_guid,
                                          NotificationPreference.event == event).execute()


def set_preference(user_guid: int, event: str, delivery: str) -> None:
    """Record how a member wants ``event`` delivered (``event`` :data:`MAIN`: their main choice)."""
    assert delivery in DELIVERIES
    NotificationPreference.insert(user=user_guid, event=event, delivery=delivery).on_conflict(
        conflict_target=[NotificationPreference.user, NotificationPreference.event],
        update={NotificationPreference.delivery: delivery}).execute()


def recent_cutoff(days: int) -> dt.datetime:
    return now() - dt.timedelta(days=days)
