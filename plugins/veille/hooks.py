"""What the veille brings in code: its pages and feeds, the jobs (page metadata, weekly synthesis),
permissions, search, the digest section, data hooks and demo links.

The "veille.link" kind, the menu entry, the container tab and the settings are declared in
plugin.toml; with this file it is the whole map of the plugin (docs/plugins/veille.md).
"""

from starlette.routing import Route

from core import entities, hookimpl
from core.i18n import gettext as _
from plugins.veille import views
from plugins.veille.models import KIND


@hookimpl
def maillage_routes(site):
    g = "/{guid:int}"
    return [
        Route("/", views.index, name="veille"),
        Route("/feed.atom", views.atom, name="veille-atom"),
        Route("/useful", views.useful, name="veille-useful"),
        Route("/useful/feed.atom", views.atom_useful, name="veille-useful-atom"),
        Route("/new", views.new, methods=["GET", "POST"], name="veille-new"),
        Route("/subscriptions", views.subscriptions, methods=["GET", "POST"], name="veille-subscriptions"),
        Route("/subscribe", views.subscribe, methods=["POST"], name="veille-subscribe"),
        Route("/syntheses", views.syntheses, name="veille-syntheses"),
        Route("/syntheses/{sid:int}", views.synthesis_page, name="veille-synthesis"),
        Route("/unsubscribe/{token}", views.unsubscribe, methods=["GET", "POST"], name="veille-unsubscribe"),
        Route("/by" + g, views.by_owner, name="veille-owner"),
        Route("/by" + g + "/feed.atom", views.atom_owner, name="veille-owner-atom"),
        Route("/in" + g, views.in_container, name="veille-container"),
        Route("/in" + g + "/feed.atom", views.atom_container, name="veille-container-atom"),
        Route("/in" + g + "/syntheses", views.syntheses, name="veille-container-syntheses"),
        Route(g, views.show, methods=["GET", "POST"], name="veille-link"),
        Route(g + "/edit", views.edit, methods=["GET", "POST"], name="veille-edit"),
        Route(g + "/useful", views.vote, methods=["POST"], name="veille-vote"),
        Route(g + "/delete", views.delete, methods=["POST"], name="veille-delete"),
    ]


@hookimpl
def maillage_jobs(site):
    from plugins.veille import links, synthesis

    return {"veille.metadata": links.metadata_job, "veille.synthesis": synthesis.run_job}


@hookimpl
def maillage_permission(site, user, action, entity):
    """The managers of the group or organisation a link belongs to edit it, as its owner does."""
    if entity is None or entity.kind != KIND:
        return None
    if action == "veille.edit" and entity.container_id and entities.manages(user, entity.container_id):
        return True
    return None


@hookimpl
def maillage_search_documents(site, entity):
    if entity.kind == KIND:
        from plugins.veille import themes
        from plugins.veille.models import Link, Note

        link = Link.get_or_none(Link.entity == entity.guid)
        if link is not None:
            labels = themes.labels(site)
            notes = " ".join(n.body for n in Note.select(Note.body).where(Note.link == entity.guid))
            return {"title": entity.title,
                    "body": "\n".join([link.url, link.description, notes, " ".join(link.tags),
                                       " ".join(labels.get(t, t) for t in link.themes)])}


@hookimpl
def maillage_entity_changed(site, entity, change):
    """A group or an organisation moved to the trash takes its members' synthesis subscriptions with it
    (restoring it does not subscribe them again)."""
    if change.action in ("trash", "delete") and entity.kind != KIND:
        from plugins.veille.models import Subscription

        Subscription.delete().where(Subscription.scope == "in", Subscription.key == str(entity.guid)).execute()


@hookimpl
def maillage_digest_sections(site, account, period):
    """In the weekly digest of a member who takes no synthesis: the three most useful links of the week."""
    if period != "weekly":
        return []
    import datetime as dt

    from core import urls
    from core.db import now
    from plugins.veille import links, synthesis

    if synthesis.subscriptions(account.guid):
        return []
    rows = [r for r in links.listing(site, account, since=now() - dt.timedelta(days=7), order="useful", limit=3)]
    if not rows:
        return []
    return [(_("Most useful links of the week"),
             [f"- {r.entity.title}\n  {urls.absolute(site, links.url(site, r.entity))}" for r in rows])]


@hookimpl
def maillage_export_personal_data(site, user):
    from plugins.veille import personal_data

    return personal_data.export(site, user)


@hookimpl
def maillage_delete_personal_data(site, user, mode):
    from plugins.veille import personal_data

    personal_data.delete(site, user, mode)


@hookimpl
def maillage_cli_commands(subparsers):
    from plugins.veille import synthesis

    p = subparsers.add_parser("veille-synthesis", help="mail the weekly synthesis of shared links (the worker "
                                                       "does it each Monday; this sends a week by hand)")
    p.add_argument("--site", help="only this site")
    p.add_argument("--week", help="the Monday of the week (default: last week)")
    p.set_defaults(func=synthesis.command)


@hookimpl
def maillage_demo_data(site, scale, rng):
    from plugins.veille.demo import generate

    generate(site, scale, rng)
