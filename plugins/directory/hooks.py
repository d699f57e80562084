"""What the directory brings: organisation cards (entities managed by members, who act as them),
browse by theme / near a place / map, import and export, a CLI import command and demo data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import Route

from core import access, hookimpl, web
from core.commands import per_site
from core.entities import manages
from core.first_steps import FirstStep
from core.i18n import gettext as _
from core.i18n import gettext_lazy as _l
from core.kinds import EntityKind, NotificationEvent
from core.menus import MenuItem
from core.models import Entity
from core.settings import SettingField
from plugins.directory import cards, demo, figures, grid, importer, managing, managing_views, themes, views
from plugins.directory.models import Organisation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

KIND = "directory.organisation"


@hookimpl
def maillage_routes(site):
    return [
        Route("/", views.index, name="directory"),
        Route("/map.json", views.map_json, name="directory-map"),
        Route("/export.csv", views.export_csv, name="directory-csv"),
        Route("/export.geojson", views.export_geojson, name="directory-geojson"),
        Route("/new", views.new, methods=["GET", "POST"], name="directory-new"),
        Route("/import", views.admin_import, methods=["GET", "POST"], name="directory-import"),
        Route("/themes", themes.edit, methods=["GET", "POST"], name="directory-themes"),
        Route("/{guid:int}", views.show, name="directory-card"),
        Route("/{guid:int}/edit", views.edit, methods=["GET", "POST"], name="directory-edit"),
        Route("/{guid:int}/logo", views.logo, name="directory-logo"),
        Route("/claims", managing_views.claims_view, methods=["GET", "POST"], name="directory-claims"),
        Route("/{guid:int}/managers", managing_views.invite_view, methods=["POST"], name="directory-managers"),
        Route("/{guid:int}/managers/{uid:int}/remove", managing_views.remove_view, methods=["POST"],
              name="directory-manager-remove"),
        Route("/{guid:int}/invitations/{id:int}/cancel", managing_views.cancel_view, methods=["POST"],
              name="directory-invitation-cancel"),
        Route("/{guid:int}/invitation", managing_views.invitation_view, methods=["GET", "POST"],
              name="directory-invitation"),
        Route("/{guid:int}/claim", views.claim, methods=["POST"], name="directory-claim"),
        Route("/{guid:int}/claim/confirm", views.claim_confirm, name="directory-claim-confirm"),
    ]


@hookimpl
def maillage_menu_items(site, request):
    return [MenuItem("main", _("Directory"), web.url_for(site, "directory"), order=30, name="directory",
                     active_prefix="/directory/"),
            MenuItem("admin", _("Directory import"), web.url_for(site, "directory-import"), name="directory-import"),
            MenuItem("admin", _("Directory themes"), web.url_for(site, "directory-themes"), name="directory-themes"),
            MenuItem("admin", _("Directory claims"), web.url_for(site, "directory-claims"), name="directory-claims")]


@hookimpl
def maillage_first_steps(site, user):
    """A new member's step: add their organisation's card, or claim it when it is already listed."""
    managed = access.managed(user, site)
    done = bool(managed) and Entity.select().where(Entity.guid.in_(sorted(managed)), Entity.kind == KIND,
                                                   Entity.deleted_at.is_null()).exists()
    return [FirstStep("directory", _("Add your organisation's card, or claim it if it is already listed"),
                      web.url_for(site, "directory"), done=done, order=20)]


@hookimpl
def maillage_entity_kinds(site):
    return [EntityKind(KIND, _l("Organisation"), url=lambda e: web.url_for(site, "directory-card", guid=e.guid), plural=_l("Organisations"),
                       searchable=True,
                       container=True, feed_filter="organisation")]


@hookimpl
def maillage_permission(site, user, action, entity):
    """Managers post in the card; only managers (and administrators) edit it, not a removed creator."""
    if entity is not None and entity.kind == KIND and action.endswith(".post_in"):
        return True if manages(user, entity) else None
    if entity is not None and entity.kind == KIND and action == "edit":
        return True if manages(user, entity) else (None if user.is_admin else False)
    return None


@hookimpl
def maillage_notification_events(site):
    # lazy labels: this runs once when the site is built, the labels are read in each member's language
    return [NotificationEvent("directory.invitation", _l("An invitation to co-manage an organisation's card"),
                              default="instant"),
            NotificationEvent("directory.invitation_accepted",
                              _l("A member accepted my invitation to co-manage an organisation's card"),
                              default="site"),
            NotificationEvent("directory.invitation_declined",
                              _l("A member declined my invitation to co-manage an organisation's card"),
                              default="site"),
            NotificationEvent("directory.manager_removed", _l("I no longer manage an organisation's card"),
                              default="instant"),
            NotificationEvent("directory.claim_approved", _l("My claim of an organisation's card is approved"),
                              default="instant"),
            NotificationEvent("directory.claim_refused", _l("My claim of an organisation's card is refused"),
                              default="instant")]


@hookimpl
def maillage_export_personal_data(site, user):
    return managing.export_personal_data(user)


@hookimpl
def maillage_delete_personal_data(site, user, mode):
    """Invitations go; cards others still manage are handed over before the core deletes what the member owns."""
    managing.delete_personal_data(site, user, mode)


@hookimpl
def maillage_settings_schema(site):
    return [SettingField("max_competences", _l("Most competences on a card"), type="int", min=1, max=30,
                         default=7)]


@hookimpl
def maillage_search_documents(site, entity):
    if entity.kind == KIND:
        org = Organisation.get_or_none(Organisation.entity == entity.guid)
        if org is not None:
            return {"title": entity.title, "body": " ".join((org.acronym, org.short_description, org.description,
                                                             org.commune, org.postcode, org.competences))}


@hookimpl
def maillage_cli_commands(subparsers):
    p = subparsers.add_parser("import-directory", help="import organisation cards from a CSV register")
    p.add_argument("file")
    p.add_argument("--site")
    p.add_argument("--dry-run", action="store_true", help="check and count, save nothing")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN", help="column of the CSV for a card field")
    p.add_argument("--encoding", default="utf-8-sig")
    p.add_argument("--rejected", help="where to write the rejected rows (default FILE.rejected.csv)")

    p.set_defaults(func=importer.cli)

    per_site(subparsers, "directory-map-grid", "build the directory map's grid again from the cards", "directory",
             _rebuild_grid)


def _rebuild_grid(site: SiteRuntime, args):
    return f"{grid.rebuild(site)} public cards on the map's grid"


@hookimpl
def maillage_entity_images(site, entities, size):
    """Cards show their logo in feeds and lists."""
    guids = [e.guid for e in entities if e.kind == KIND]
    if guids:
        return cards.logo_urls(site, guids)


@hookimpl
def maillage_entity_deleted(site, entity):
    if entity.kind == KIND:
        cards.delete_logo_file(site, entity)


@hookimpl
def maillage_entity_changed(site, entity, change):
    """The map's grid follows every change of a card (created, moved, re-themed, access, hidden, trashed...)."""
    if entity.kind == KIND:
        grid.sync(site, entity.guid)


@hookimpl
def maillage_demo_data(site, scale, rng):
    demo.generate(site, scale, rng)


@hookimpl
def maillage_adoption_figures(site):
    return list(figures.FIGURES)
