"""What the messages plugin brings: private conversations between members and organisations,
letters from organisations and groups to their members and followers.

This file is the map of the plugin; it uses only the core's public API and hooks.
"""

from starlette.routing import Route

from core import hookimpl, web
from core.commands import per_site
from core.i18n import gettext as _
from core.i18n import gettext_lazy as _l
from core.kinds import EntityKind, NotificationEvent
from core.menus import MenuItem
from core.settings import SettingField
from plugins.messages import letter_views, rules, views
from plugins.messages.models import CONVERSATION, LETTER, MESSAGE


@hookimpl
def maillage_routes(site):
    c = "/{guid:int}"
    m = "/message/{guid:int}"
    return [
        Route("/", views.inbox, name="messages"),
        Route("/new", views.new, methods=["GET", "POST"], name="messages-new"),
        Route("/search", views.search, name="messages-search"),
        Route("/settings", views.preferences, methods=["GET", "POST"], name="messages-settings"),
        Route(c, views.show, methods=["GET", "POST"], name="messages-conversation"),
        Route(c + "/do/{action}", views.act, methods=["POST"], name="messages-act"),
        Route(m, views.message, name="messages-message"),
        Route(m + "/report", views.report, methods=["GET", "POST"], name="messages-report"),
        Route(m + "/attachment", views.attachment, name="messages-attachment"),
        Route("/letters/", letter_views.received, name="messages-letters"),
        Route("/letters/new", letter_views.compose, methods=["GET", "POST"], name="messages-letter-new"),
        Route("/letters/of/{guid:int}", letter_views.archive, name="messages-letters-of"),
        Route("/letters/unsubscribe/{token}", letter_views.unsubscribe, methods=["GET", "POST"],
              name="messages-letters-unsubscribe"),
        Route("/letters/{guid:int}", letter_views.show, name="messages-letter"),
        Route("/letters/{guid:int}/edit", letter_views.compose, methods=["GET", "POST"],
              name="messages-letter-edit"),
        Route("/letters/{guid:int}/attachment", letter_views.attachment, name="messages-letter-attachment"),
    ]


@hookimpl
def maillage_menu_items(site, request):
    user = web.current_user(request)
    if user is None:
        return None
    from plugins.messages import conversations

    return [MenuItem("user", _("Messages"), web.url_for(request, "messages"), order=10, name="messages", active_prefix="/messages/",
                     badge=conversations.unread_count(site, user))]


@hookimpl
def maillage_entity_actions(site, request, entity):
    """"Write" on a profile, a card or a group where the member may write; "Write to the members"
    and "Send a letter" for those who run a group or an organisation."""
    user = web.current_user(request)
    if user is None or entity.kind.startswith("messages."):
        return None
    actor = getattr(request.state, "actor", None)
    sender = actor.guid if actor is not None else user.guid
    items = []
    if rules.may_write(site, user, sender, entity):
        items.append(MenuItem("entity", _("Write"), web.url_for(request, "messages-new") + f"?to={entity.guid}&sender={sender}", order=10,
                              name="messages-write"))
    if entity.kind != "user" and rules.may_write_members(site, user, entity):
        if rules.members_of(site, entity.guid):
            items.append(MenuItem("entity", _("Write to the members"), web.url_for(request, "messages-new") + f"?members_of={entity.guid}",
                                  order=11, name="messages-write-members"))
        items.append(MenuItem("entity", _("Send a letter"), web.url_for(request, "messages-letter-new") + f"?sender={entity.guid}", order=12,
                              name="messages-letter"))
    return items


@hookimpl
def maillage_container_tools(site, container):
    from plugins.messages import letters

    if letters.has_archive(container.guid):
        return [MenuItem("container", _("Letters"), web.url_for(site, "messages-letters-of", guid=container.guid), name="messages")]
    return None


@hookimpl
def maillage_entity_kinds(site):
    return [
        EntityKind(CONVERSATION, _l("Conversation"), url=lambda e: web.url_for(site, "messages-conversation", guid=e.guid), plural=_l("Conversations")),
        EntityKind(MESSAGE, _l("Private message"), url=lambda e: web.url_for(site, "messages-message", guid=e.guid),
                   plural=_l("Private messages")),
        EntityKind(LETTER, _l("Letter"), url=lambda e: web.url_for(site, "messages-letter", guid=e.guid), plural=_l("Letters"),
                   summary_template="messages/letter_summary.html"),
    ]


@hookimpl
def maillage_visibility_sql(site, viewer, entity):
    """Conversations and messages are read under this plugin's own rule (participants, in
    :mod:`plugins.messages.conversations`), never through the access levels: every core listing,
    count, search and generic page (report, comments, likes) leaves them out, for administrators too."""
    return entity.kind.not_in((CONVERSATION, MESSAGE))


@hookimpl
def maillage_settings_schema(site):
    return [
        SettingField("who_may_write", _l("Who may write to whom"), type="choice", default="anyone",
                     choices=(("anyone", _l("Every member to every member")),
                              ("connections", _l("Only to one's connections and followers")),
                              ("admins", _l("Nobody but the administrators"))),
                     help=_l("Each member may narrow this for themselves.")),
        SettingField("max_recipients", _l("Recipients of one conversation at most"), type="int", default=20,
                     min=1, max=500),
        SettingField("new_account_days", _l("An account is new during (days)"), type="int", default=7, min=0,
                     max=365),
        SettingField("new_account_conversations", _l("Conversations a new account may start per day"), type="int",
                     default=3, min=0, max=100),
        SettingField("messages_per_hour", _l("Messages a member may send per hour"), type="int", default=60,
                     min=1, max=10000),
        SettingField("letters_per_day", _l("Letters an organisation or a group may send per day"), type="int",
                     default=2, min=1, max=50),
    ]


@hookimpl
def maillage_notification_events(site):
    return [NotificationEvent("messages.new", _l("A new private message"), default="instant"),
            NotificationEvent("messages.letter", _l("A letter from an organisation or a group I follow"),
                              default="instant")]


@hookimpl
def maillage_export_personal_data(site, user):
    from plugins.messages import personal_data

    return personal_data.export(site, user)


@hookimpl
def maillage_delete_personal_data(site, user, mode):
    from plugins.messages import personal_data

    personal_data.delete(site, user, mode)


@hookimpl
def maillage_cli_commands(subparsers):
    from plugins.messages import letters

    per_site(subparsers, "send-letters", "send the letters whose time has come (run from cron)", "messages",
             lambda site, args: f"{letters.deliver_due(site)} letter mail(s) sent")


@hookimpl
def maillage_demo_data(site, scale, rng):
    from plugins.messages.demo import generate

    generate(site, scale, rng)
