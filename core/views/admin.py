"""Administration pages: overview, plugins and their settings, site settings, errors."""

from starlette.exceptions import HTTPException

from core import plugins as plugin_registry
from core import registration, settings, sites, web
from core.i18n import gettext as _
from core.i18n import gettext_lazy
from core.models import Account, Entity
from core.settings import SettingField


def _refresh(request):
    """Make the current worker pick the change up on its next request."""
    web.site_of(request).checked_at = 0


def dashboard(request):
    """Numbers an administrator watches, and the widgets plugins add."""
    web.require_admin(request)
    site = web.site_of(request)
    counts = {
        "members": Account.select().where(Account.site == site.id, Account.state == "active").count(),
        "entities": Entity.select().where(Entity.site == site.id, Entity.deleted_at.is_null()).count(),
    }
    return web.render(request, "core/admin/dashboard.html",
                      {"counts": counts, "widgets": site.widgets(request, "admin")})


def plugins_page(request):
    """List installed plugins; enable or disable them on this site."""
    web.require_admin(request)
    site = web.site_of(request)
    error = None
    if request.method == "POST":
        data = web.form(request)
        name, action = data.get("plugin", ""), data.get("action", "")
        try:
            if action == "enable":
                sites.enable_plugin(site.id, name)
                web.flash(request, _("Plugin %(name)s enabled.") % {"name": name})
            elif action == "disable":
                sites.disable_plugin(site.id, name)
                web.flash(request, _("Plugin %(name)s disabled. Its data is kept.") % {"name": name})
            else:
                raise HTTPException(400)
            _refresh(request)
            return web.redirect(request, web.url_for(request, "admin-plugins"))
        except plugin_registry.PluginRuleError as exc:
            error = str(exc)
    available = plugin_registry.ordered(plugin_registry.discover().values())
    lang = request.state.lang
    return web.render(request, "core/admin/plugins.html", {
        "available": available, "enabled": site.enabled_names, "error": error,
        "manifest": {info.name: info.manifest_text(lang) for info in available},
        "has_settings": {i.name for i in site.enabled if site.settings_schema(i.name)},
    }, status_code=400 if error else 200)


def plugin_settings(request):
    """The settings form generated from a plugin's schema; values validated before saving."""
    web.require_admin(request)
    site = web.site_of(request)
    name = request.path_params["name"]
    if name not in site.enabled_names:
        raise web.not_found()
    schema = site.settings_schema(name)
    values, errors = site.plugin_settings(name), {}
    if request.method == "POST":
        values, errors = settings.validate(schema, web.form(request))
        if not errors:
            sites.save_plugin_settings(site.id, name, values)
            _refresh(request)
            web.flash(request, _("Settings saved."))
            return web.redirect(request, web.url_for(request, "admin-plugin-settings", name=name))
    info = plugin_registry.discover()[name]
    return web.render(request, "core/admin/settings_form.html", {
        "title": _("Settings of %(label)s") % {"label": info.label}, "fields": schema,
        "values": values, "errors": errors,
    }, status_code=400 if errors else 200)


SITE_FIELDS = [
    SettingField("name", gettext_lazy("Site name"), required=True),
    SettingField("description", gettext_lazy("Short description shown on the home page"), type="textarea"),
    SettingField("registration", gettext_lazy("Who may join"), type="choice", default="open", choices=(
        ("open", gettext_lazy("Anyone, after validating their e-mail address")),
        ("code", gettext_lazy("People with a sign-up code")),
        ("invitation", gettext_lazy("Only people invited by a member")),
        ("approval", gettext_lazy("Anyone, once an administrator approves")),
        ("closed", gettext_lazy("Nobody: administrators create or import accounts")))),
    SettingField("invitations_per_member", gettext_lazy("Invitations each member may send"), type="int",
                 min=0, max=10000, default=20),
    SettingField("default_access", gettext_lazy("Default access of new content"), type="choice",
                 default="public", choices=(
                     ("public", gettext_lazy("Everyone, including visitors")),
                     ("members", gettext_lazy("Signed-in members")),
                     ("connections", gettext_lazy("My connections")),
                     ("private", gettext_lazy("Only me")))),
    SettingField("connection_word", gettext_lazy("Word used for mutual connections"), type="choice",
                 default="connection", choices=(
                     ("connection", gettext_lazy("connection")),
                     ("contact", gettext_lazy("contact")),
                     ("friend", gettext_lazy("friend")),
                     ("partner", gettext_lazy("partner")))),
    SettingField("language_from_browser", gettext_lazy("Use the visitor's browser language"), type="bool",
                 default=False),
    SettingField("tile_url", gettext_lazy("Map tile server (URL template)"), type="url"),
    SettingField("tile_attribution", gettext_lazy("Map attribution")),
    SettingField("base_url", gettext_lazy("Canonical address of the site (https://…), used in every link of its mail, "
                                      "feeds and exports"), type="url"),
    SettingField("smtp_host", gettext_lazy("Mail server (SMTP host); empty: keep mail in the outbox")),
    SettingField("smtp_port", gettext_lazy("Mail server port"), type="int", min=1, max=65535, default=587),
    SettingField("smtp_tls", gettext_lazy("Use STARTTLS"), type="bool", default=True),
    SettingField("smtp_user", gettext_lazy("Mail server user name")),
    SettingField("smtp_password", gettext_lazy("Mail server password (leave empty to keep it)"), type="password"),
    SettingField("mail_from", gettext_lazy("Sender address of the site's mail"), type="email"),
    SettingField("trash_days", gettext_lazy("Days content stays in the trash"), type="int", min=1, max=3650,
                 default=30),
    SettingField("comment_edit_minutes", gettext_lazy("Minutes during which a comment may be edited"),
                 type="int", min=0, max=100000, default=30),
]


def site_settings(request):
    """Site settings: name, description, defaults, map tiles."""
    web.require_admin(request)
    site = web.site_of(request)
    values = {f.name: site.settings.get(f.name, f.default) for f in SITE_FIELDS}
    values["name"] = site.name
    values["registration"] = registration.mode(site)
    errors = {}
    if request.method == "POST":
        values, errors = settings.validate(SITE_FIELDS, web.form(request))
        for f in SITE_FIELDS:
            if f.type == "password" and not values.get(f.name):
                values.pop(f.name, None)  # an empty password field keeps the stored one
        if not errors:
            sites.save_settings(site.id, values)
            _refresh(request)
            web.flash(request, _("Settings saved."))
            return web.redirect(request, web.url_for(request, "admin-settings"))
    return web.render(request, "core/admin/settings_form.html", {
        "title": _("Site settings"), "fields": SITE_FIELDS, "values": values, "errors": errors,
    }, status_code=400 if errors else 200)


def errors(request):
    """Recent plugin and request failures of every worker and server, and plugins that failed to load."""
    from core import errors as error_log

    web.require_admin(request)
    site = web.site_of(request)
    broken = [i for i in plugin_registry.discover().values() if i.error]
    return web.render(request, "core/admin/errors.html", {
        "errors": error_log.recent(site.id), "broken": broken
    })
