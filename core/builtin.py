"""The core's own hook implementations: its pages, menus and the "user" entity kind.

The core uses the same hooks as any plugin, so reading this file tells what
the core brings to every site.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import Route

from core import hookimpl, profiles, web
from core.i18n import gettext as _
from core.i18n import gettext_lazy as _l
from core.kinds import EntityKind, NotificationEvent, RelationshipVerb
from core.menus import MenuItem
from core.views import (
    account,
    admin,
    auth,
    feeds,
    home,
    interactions,
    member_import,
    members,
    notifications,
    outbox,
    people_admin,
    search,
    social,
)

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


@hookimpl
def maillage_routes(site):
    return [
        Route("/", home.index, name="home"),
        Route("/language", home.set_language, methods=["GET", "POST"], name="language"),
        Route("/signin", auth.signin, methods=["GET", "POST"], name="signin"),
        Route("/signout", auth.signout, methods=["POST"], name="signout"),
        Route("/signin/unlock", auth.unlock_request, methods=["POST"], name="signin-unlock"),
        Route("/signin/unlock/{token}", auth.unlock_open, methods=["GET", "POST"], name="signin-unlock-open"),
        Route("/signup", account.signup, methods=["GET", "POST"], name="signup"),
        Route("/validate/resend", account.resend, methods=["GET", "POST"], name="validate-resend"),
        Route("/validate/{token}", account.validate, name="validate"),
        Route("/reset", account.reset_request, methods=["GET", "POST"], name="reset"),
        Route("/reset/{token}", account.reset_confirm, methods=["GET", "POST"], name="reset-confirm"),
        Route("/account", account.settings_page, methods=["GET", "POST"], name="account"),
        Route("/account/sessions", account.sessions_page, methods=["GET", "POST"], name="account-sessions"),
        Route("/account/email/{token}", account.confirm_email, name="account-email"),
        Route("/invite", account.invite, methods=["GET", "POST"], name="invite"),
        Route("/account/data", people_admin.my_data, name="account-data"),
        Route("/account/delete", people_admin.delete_mine, methods=["GET", "POST"], name="account-delete"),
        Route("/admin/people", people_admin.index, name="admin-people"),
        Route("/admin/people/{guid:int}", people_admin.show, methods=["GET", "POST"], name="admin-person"),
        Route("/admin/people/{guid:int}/export", people_admin.export, name="admin-person-export"),
        Route("/admin/people/{guid:int}/delete", people_admin.delete, methods=["GET", "POST"],
              name="admin-person-delete"),
        Route("/social/{guid:int}/{which}", social.listing, name="relationship-list"),
        Route("/social/{guid:int}/do/{action}", social.act, methods=["POST"], name="relationship-action"),
        Route("/acting-as", social.switch_identity, methods=["POST"], name="acting-as"),
        Route("/relations", social.relations, name="relations"),
        Route("/first-steps/hide", home.hide_first_steps, methods=["POST"], name="first-steps-hide"),
        Route("/search", search.page, name="search"),
        Route("/feed", feeds.network, name="feed-network"),
        Route("/feed/site.atom", feeds.site_atom, name="feed-site-atom"),
        Route("/feed/entity/{guid:int}", feeds.entity, name="feed-entity"),
        Route("/feed/entity/{guid:int}.atom", feeds.entity_atom, name="feed-entity-atom"),
        Route("/notifications", notifications.index, name="notifications"),
        Route("/notifications/read", notifications.mark_read, methods=["POST"], name="notifications-read"),
        Route("/notifications/settings", notifications.settings_page, methods=["GET", "POST"],
              name="notifications-settings"),
        Route("/unsubscribe/{token}", notifications.unsubscribe, methods=["GET", "POST"], name="unsubscribe"),
        Route("/admin/notifications", notifications.admin_defaults, methods=["GET", "POST"],
              name="admin-notifications"),
        Route("/comments/{guid:int}/add", interactions.add_comment, methods=["POST"], name="comment-add"),
        Route("/comments/{guid:int}/edit", interactions.edit_comment, methods=["GET", "POST"], name="comment-edit"),
        Route("/comments/{guid:int}/delete", interactions.delete_comment, methods=["POST"], name="comment-delete"),
        Route("/likes/{guid:int}", interactions.like, methods=["POST"], name="like"),
        Route("/report/{guid:int}", interactions.report, methods=["GET", "POST"], name="report"),
        Route("/moderation", interactions.queue, methods=["GET", "POST"], name="moderation"),
        Route("/trash", interactions.trash, methods=["GET", "POST"], name="trash"),
        Route("/admin/import-members", member_import.page, methods=["GET", "POST"], name="admin-import-members"),
        Route("/admin/signup-codes", people_admin.signup_codes, methods=["GET", "POST"], name="admin-signup-codes"),
        Route("/members", members.index, name="members"),
        Route("/members/{guid:int}", members.show, name="member"),
        Route("/members/{guid:int}/edit", members.edit, methods=["GET", "POST"], name="member-edit"),
        Route("/members/{guid:int}/avatar", members.avatar, name="member-avatar"),
        Route("/admin", admin.dashboard, name="admin"),
        Route("/admin/plugins", admin.plugins_page, methods=["GET", "POST"], name="admin-plugins"),
        Route("/admin/plugins/{name}", admin.plugin_settings, methods=["GET", "POST"],
              name="admin-plugin-settings"),
        Route("/admin/settings", admin.site_settings, methods=["GET", "POST"], name="admin-settings"),
        Route("/admin/errors", admin.errors, name="admin-errors"),
        Route("/admin/outbox", outbox.index, name="admin-outbox"),
        Route("/admin/outbox/{mail_id:int}", outbox.show, methods=["GET", "POST"], name="admin-outbox-message"),
    ]


@hookimpl
def maillage_first_steps(site, user):
    from core import first_steps

    return first_steps.core_steps(site, user)


@hookimpl
def maillage_widgets(site, request, place):
    """The first-steps panel, first on a signed-in member's home."""
    if place != "dashboard":
        return None
    from core import first_steps, web
    from core.menus import Widget

    user = web.current_user(request)
    found = first_steps.steps(site, user) if user else []
    if not found or all(step.done for step in found):
        return None
    return [Widget(_("Your first steps"), "core/first_steps.html", {"first_steps": found}, order=0)]


@hookimpl
def maillage_menu_items(site, request):
    from core.web import current_user, url_for

    def u(route, **params):
        return url_for(site, route, **params)


    items = [MenuItem("main", _("Home"), u("home"), order=0, name="home"),
             MenuItem("main", _("Search"), u("search"), order=90, name="search", active_prefix="/search"),
             MenuItem("main", _("Members"), u("members"), order=80, name="members", active_prefix="/members")]
    user = current_user(request)
    if user is not None:
        items += [
            MenuItem("main", _("My network"), u("feed-network"), order=5, name="network", active_prefix="/feed"),
            MenuItem("user", _("My profile"), u("member", guid=user.guid), order=10, name="profile"),
            MenuItem("user", _("My account"), u("account"), order=20, name="account"),
            MenuItem("user", _("Relations"), u("relations"), order=15, name="relations"),
            MenuItem("user", _("Trash"), u("trash"), order=70, name="trash"),
        ]
        if user.is_moderator:
            items.append(MenuItem("user", _("Moderation"), u("moderation"), order=80, name="moderation"))
    if user is not None and user.is_admin:
        items += [
            MenuItem("user", _("Administration"), u("admin"), order=90, name="admin", active_prefix="/admin"),
            MenuItem("admin", _("Overview"), u("admin"), order=0, name="admin-home"),
            MenuItem("admin", _("Plugins"), u("admin-plugins"), order=10, name="admin-plugins",
                     active_prefix="/admin/plugins"),
            MenuItem("admin", _("Site settings"), u("admin-settings"), order=20, name="admin-settings"),
            MenuItem("admin", _("People"), u("admin-people"), order=5, name="admin-people", active_prefix="/admin/people"),
            MenuItem("admin", _("Outbox"), u("admin-outbox"), order=90, name="admin-outbox"),
            MenuItem("admin", _("Notifications"), u("admin-notifications"), order=30, name="admin-notifications"),
            MenuItem("admin", _("Errors"), u("admin-errors"), order=95, name="admin-errors"),
        ]
    return items


@hookimpl
def maillage_permission(site, user, action, entity):
    """Delegations: a member holding a scope may act on that part of the site."""
    from core import delegation

    if action == "moderate" and delegation.allows(site, user, "moderation.moderate", None):
        return True
    return True if delegation.allows(site, user, action, entity) else None


@hookimpl
def maillage_notification_events(site):
    return [
        NotificationEvent("core.comment", _l("A comment on my content"), default="instant",
                          extra={"grouped": _comments_line}),
        NotificationEvent("core.connection_request", _l("Someone asks to connect with me"), default="instant"),
        NotificationEvent("core.connection_accepted", _l("Someone accepted to connect with me"), default="site"),
        NotificationEvent("core.report_resolved", _l("The moderators decided about my report"), default="site"),
    ]


def _comments_line(count: int, title: str) -> str:
    """The digest line for many comments on one thing."""
    from core.i18n import ngettext

    return ngettext("%(num)s new comment on %(what)s", "%(num)s new comments on %(what)s", count) % {
        "num": count, "what": title}


@hookimpl
def maillage_entity_kinds(site):
    return [
        EntityKind("user", _l("Member"), url=lambda e: web.url_for(site, "member", guid=e.guid), plural=_l("Members"), searchable=True),
        EntityKind("comment", _l("Comment"), url=lambda e: _comment_url(site, e), plural=_l("Comments")),
    ]


def _comment_url(site: SiteRuntime, entity) -> str:
    """A comment's address: its parent's page, at the comment."""
    from core.models import Entity

    parent = Entity.get_or_none(Entity.guid == entity.container_id)
    kind = site.entity_kinds.get(parent.kind) if parent is not None else None
    return kind.url(parent) + f"#comment-{entity.guid}" if kind else "/"


@hookimpl
def maillage_search_documents(site, entity):
    """Members are found by their name and short bio."""
    if entity.kind == "user":
        return {"title": entity.title, "body": profiles.get(entity.guid).bio}


@hookimpl
def maillage_entity_images(site, entities, size):
    """Members' avatars, read for the whole list in one query; a member without one shows initials."""
    guids = [e.guid for e in entities if e.kind == "user"]
    if not guids:
        return None
    return {guid: web.url_for(site, "member-avatar", guid=guid) + f"?v={avatar[:8]}"
            for guid, avatar in profiles.avatar_keys(guids).items() if avatar}


@hookimpl
def maillage_relationship_verbs(site):
    return [
        RelationshipVerb("follows", _l("follows")),
        RelationshipVerb("connected", _l("is connected with"), mutual=True),
        RelationshipVerb("connection_requested", _l("asked to connect with")),
        RelationshipVerb("connection_declined", _l("asked to connect with (declined)")),
        RelationshipVerb("core.first_steps_hidden", _l("hid the first steps")),
        RelationshipVerb("blocks", _l("blocks")),
        RelationshipVerb("manages", _l("manages")),
        RelationshipVerb("member_of", _l("is a member of")),
    ]


@hookimpl
def maillage_container_membership_verbs(site):
    """``member_of`` makes a member of a container (a group, an organisation) for access "container"."""
    return ["member_of"]
