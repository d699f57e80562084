"""Every hook a maillage plugin can implement.

A plugin implements a hook by defining a function of the same name in its hooks
module, decorated with ``core.hookimpl``. Each function receives only the
arguments it names. A function named like no hook here stops the site's start
(``pm.check_pending()``). Unless a hook is declared ``firstresult=True`` (its
docstring says *first result wins*), the core calls every enabled plugin's
implementation through pluggy and gathers the non-None results;
an implementation that raises is logged, reported in the admin and skipped,
so one faulty plugin never takes the site down.

Text in what the hooks called once per site return (entity kinds, relationship verbs,
notification events, settings schema, profile fields) is marked with ``gettext_lazy``
(``_l``), so it is translated when shown, in the reader's language; ``_`` is for hooks
given the ``request``.

The reference for each hook, with an example, is in docs/plugins.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import hookspec

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

# --- Web ----------------------------------------------------------------------


@hookspec
def maillage_routes(site: SiteRuntime):
    """Return a list of Starlette ``Route``/``Mount`` objects this plugin serves.

    ``site`` is the :class:`core.runtime.SiteRuntime`. Paths are relative to the plugin's
    prefix: the core mounts them under ``/<plugin name>`` in a Mount named after the plugin
    (``Route("/new")`` of the blog serves ``/blog/new``). Endpoints are plain ``def``
    functions taking the request; the core runs them in the thread pool with a database
    connection, checks CSRF on POST and parses forms beforehand (read them with
    ``core.web.form(request)``). An ``async def`` endpoint, a plugin named after a path of
    the core, or a route name used twice on the site stops the site's start with
    :class:`core.plugins.PluginContractError`.
    """


@hookspec
def maillage_menu_items(site: SiteRuntime, request):
    """Return :class:`core.menus.MenuItem` objects for the site's menus.

    ``MenuItem.menu`` names the menu: ``"main"`` (top navigation), ``"user"``
    (the signed-in member's menu), ``"admin"`` (administration side bar),
    ``"entity"`` (actions on a page). Items vanish with their plugin.
    """


@hookspec
def maillage_template_context(request):
    """Return a dict of extra variables for every template rendered for ``request``."""


@hookspec
def maillage_widgets(site: SiteRuntime, request, place):
    """Return :class:`core.menus.Widget` objects for a page area.

    ``place`` is ``"home"`` (the home page side column), ``"dashboard"``
    (the signed-in member's home) or ``"admin"`` (the administration
    dashboard). A widget names a template and the context it renders with
    (pages show it with ``{{ render_widget(widget) }}``).
    """


@hookspec
def maillage_first_steps(site: SiteRuntime, user):
    """Return :class:`core.first_steps.FirstStep` objects: things a new member should do first on
    this site (publish an event, add their organisation), each with ``done`` true once they did it.

    ``user`` is the signed-in member's Account. The core shows the steps in a panel on the
    member's home until all are done or the member hides it; keep the ``done`` check cheap.
    """


@hookspec
def maillage_entity_actions(site: SiteRuntime, request, entity):
    """Return :class:`core.menus.MenuItem` buttons the current member may use about ``entity``.

    ``entity`` is the member, organisation or group whose page is shown (profile,
    directory card, group page); the core renders the items beside the follow and
    connect buttons (``core/_entity_actions.html``). Return only what the member may
    really do (a messages plugin offers "Write" where writing is allowed); ``request``
    gives the member (``core.web.current_user``) and the identity they act as
    (``request.state.actor``).
    """


# --- Data ---------------------------------------------------------------------


@hookspec
def maillage_entity_kinds(site: SiteRuntime):
    """Return :class:`core.kinds.EntityKind` objects for the entity kinds this plugin owns.

    A kind says its label, how to build its URL, the template that renders a
    summary of one entity (in listings, search results and activity items),
    and whether comments and likes are allowed on it.
    """


@hookspec
def maillage_entity_images(site: SiteRuntime, entities, size):
    """Return ``{guid: address}``: the pictures of those of ``entities`` whose kind your plugin owns.

    ``entities`` is a list of Entity rows of any kinds (the actors of a feed page, a list of
    members, groups and organisations); answer for your kinds only, with one query for the whole
    list, and leave out the entities without a picture (they show the initials of their name).
    ``size`` is the width in CSS pixels the picture is shown at (pick a thumbnail if you keep
    several). Every plugin's answers are merged; the core asks through
    ``core.entity_images.urls(site, entities, size)`` and keeps them for the rest of the request,
    and ``core/ui.html``'s ``avatar`` macro shows them.
    """


@hookspec
def maillage_relationship_verbs(site: SiteRuntime):
    """Return :class:`core.kinds.RelationshipVerb` objects this plugin adds (``member_of``...)."""


@hookspec
def maillage_container_membership_verbs(site: SiteRuntime):
    """Return relationship verbs that make the subject a *member* of the object.

    Content with access ``container`` is visible to members of its container;
    a groups plugin returns ``["member_of"]``. The core always counts
    ``manages`` and the container's owner.
    """


@hookspec
def maillage_acting_identities(site: SiteRuntime, user):
    """Return the entities ``user`` may act as by a rule of your plugin.

    The core already counts every entity the member ``manages`` (an association card, a
    group they run) and offers them all in the "acting as" switch; the actor of what the
    member then does is that entity.
    """


@hookspec
def maillage_visibility_sql(site: SiteRuntime, viewer, entity):
    """Return a peewee condition every entity ``viewer`` sees must also meet, or None.

    ``viewer`` is the :class:`core.models.Account` (None for a visitor); ``entity`` is the
    Entity model or the alias the query uses: build the condition on its columns. The core
    adds the condition to :func:`core.access.visible` with AND, so the plugin's rule filters
    every listing, count, feed and search inside the SQL. Keep it to your own kinds
    (``(entity.kind != "poll.poll") | ...``) so other plugins' content is untouched. It is
    built once per viewer and page; it applies to administrators too.
    """


@hookspec
def maillage_permission(site: SiteRuntime, user, action, entity):
    """Decide whether ``user`` may perform ``action`` on ``entity`` (may be None).

    Return ``True`` to allow, ``False`` to deny, ``None`` for no opinion. A
    single ``False`` denies; otherwise a single ``True`` allows; with no
    opinion at all the core's default rule applies (owner, managers,
    administrators). Actions are strings such as ``"edit"``, ``"delete"``,
    ``"comment"``, ``"post_in"``, ``"moderate"`` or a plugin's own
    (``"agenda.manage"``).
    """


# --- Site and settings ----------------------------------------------------------


@hookspec
def maillage_settings_schema(site: SiteRuntime):
    """Return a list of :class:`core.settings.SettingField` for this plugin's settings.

    The admin renders a form from it, validates submitted values and stores
    them per site; defaults may be given in the site file under
    ``[plugins.<name>]``. Read values with ``site.plugin_settings(name)``.
    """


@hookspec
def maillage_startup(site: SiteRuntime):
    """Called once when the site's runtime is built (after a plugin set change too)."""


@hookspec
def maillage_cli_commands(subparsers):
    """Add sub-commands to the ``maillage`` command line.

    ``subparsers`` is the ``argparse`` sub-parser collection. Set
    ``func=callable(args)`` with ``set_defaults``. Called for every installed
    plugin, enabled on some site or not.
    """


@hookspec
def maillage_jobs(site: SiteRuntime):
    """Return a dict ``{name: function}`` of the jobs this plugin runs (see :mod:`core.jobs`).

    ``function(site, **args)`` is called by the worker with the arguments given to
    ``core.jobs.enqueue(name, site=site, args={...})``. Name jobs ``<plugin>.<what>``. A job
    may run twice after a crash: make it check what is already done.
    """


@hookspec
def maillage_demo_data(site: SiteRuntime, scale, rng):
    """Create demonstration content for ``site``.

    ``scale`` is ``"small"`` or ``"region"``; ``rng`` is a seeded
    ``random.Random`` so data sets are reproducible.
    """


@hookspec
def maillage_demo_finished(site: SiteRuntime, scale, rng):
    """Called once every plugin made its demo data (comments and likes included).

    For work on the whole demo: the animation plugin dates it over a year and aggregates
    its figures. Same arguments as :func:`maillage_demo_data`.
    """


# --- People ---------------------------------------------------------------------


@hookspec
def maillage_profile_fields(site: SiteRuntime):
    """Return extra :class:`core.settings.SettingField` shown on member profiles."""


@hookspec
def maillage_export_personal_data(site: SiteRuntime, user):
    """Return a dict ``{"name.json": data, "files/x.jpg": bytes}`` for the member's archive.

    Keys are paths in the archive; values are JSON-serialisable data or bytes.
    """


@hookspec
def maillage_delete_personal_data(site: SiteRuntime, user, mode):
    """Delete or anonymise the member's content owned by this plugin.

    ``mode`` is ``"delete"`` or ``"anonymise"`` (keep content, detach the author).
    Called before the core removes anything: ``user``'s account, relationships
    (``manages``, ``member_of``...) and entities are all still there. Afterwards
    the core deletes the account and every relationship of the member and, with
    ``"delete"``, every entity whose ``owner`` is the member (rows, with their
    activity) without calling ``maillage_entity_deleted``: free their files here.
    An entity that must outlive the member (an organisation other members still
    run) is kept by giving it another ``owner`` here. Return value ignored.
    """


# --- Social ---------------------------------------------------------------------


@hookspec
def maillage_notification_events(site: SiteRuntime):
    """Return :class:`core.kinds.NotificationEvent` objects this plugin may send."""


@hookspec(firstresult=True)
def maillage_search_documents(site: SiteRuntime, entity):
    """Return the text to index for ``entity`` as ``{"title": ..., "body": ...}``.

    *First result wins* (``firstresult``): only the plugin owning the entity's kind should answer;
    call it as ``site.pm.hook.maillage_search_documents(site=site, entity=entity)``.
    """


@hookspec
def maillage_container_tools(site: SiteRuntime, container):
    """Return :class:`core.menus.MenuItem` tabs this plugin offers inside a container.

    A groups plugin shows one tab per tool (blog, agenda, documents) on a
    group's page and lets group administrators switch each on or off.
    """


@hookspec
def maillage_entity_deleted(site: SiteRuntime, entity):
    """Called when an entity is removed for good (after the trash), before its rows go:
    free its files and rows."""


@hookspec
def maillage_entity_changed(site: SiteRuntime, entity, change):
    """Called after an entity was created, updated, trashed, restored or deleted.

    ``change`` is a :class:`core.entities.Change`: ``change.action`` is ``"create"``,
    ``"update"`` (a moderator hiding or showing it again too), ``"access"`` (an update that changed
    the access level; ``change.old_access`` holds the old one), ``"trash"``, ``"restore"`` or ``"delete"``. It is called right after
    the transaction that made the change commits (at once when there was none), so the
    plugin's own row is there to read; on ``"delete"`` the rows are gone and ``entity`` is the
    copy held before. What a listener writes is its own transaction. Return value ignored.
    The core's search index is not a listener: :mod:`core.entities` writes it inside the
    transaction, right before the commit (:func:`core.search.keep_up`).
    """


@hookspec
def maillage_digest_sections(site: SiteRuntime, account, period):
    """Return ``(heading, [lines])`` pairs to add to a member's ``"daily"`` or ``"weekly"`` digest.

    Called once per digest, in the member's language, after their notifications; the lines are
    plain text (put absolute links with :func:`core.urls.absolute`) and must only show what
    ``account`` may see. The animation plugin adds the site's featured items this way.
    """


@hookspec
def maillage_adoption_figures(site: SiteRuntime):
    """Return :class:`core.kinds.Figure` objects: what this plugin adds to adoption dashboards.

    Called by the animation plugin's daily aggregation (``maillage animation-aggregate``),
    never while a page is served. A figure counts inside its SQL query, only rows of
    ``site`` (``count(site, start, end)``, dates naive UTC, ``end`` excluded).
    """
