"""Links are built from route names (issue 16 point 3). Every entity kind's page address is a route
of its site: kinds build their
``url`` from route names (``route = ...`` in plugin.toml, ``web.url_for`` in code), so a renamed
route cannot leave every link to a kind's pages dead."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core import routing, web
from core.db import database
from core.kinds import EntityKind
from core.models import Entity

KINDS = {"user", "comment", "blog.post", "agenda.event", "documents.file", "documents.folder", "documents.link",
         "messages.conversation", "messages.message", "veille.link"}
PORTAIL = KINDS | {"directory.organisation", "groups.group", "forums.topic", "wire.status", "offers.ad"}


@pytest.mark.parametrize(("site_id", "expected"), [("portail", PORTAIL), ("asso", KINDS)])
def test_every_kind_url_is_a_route_of_the_site(demo_app, site_id, expected):
    site = demo_app.runtime(site_id)
    assert expected <= set(site.entity_kinds)  # a kind whose declaration failed would be missing
    with database.connection_context():
        for name, kind in site.entity_kinds.items():
            entity = (Entity.select().where(Entity.site == site_id, Entity.kind == name,
                                            Entity.deleted_at.is_null()).first()
                      or Entity(guid=987654, site=site_id, kind=name, title="Sans titre"))
            url = kind.url(entity)
            assert routing.route_of(site.app, url), f"{name}: {url} is not a page of {site_id}"


def test_route_of_finds_core_and_plugin_routes_and_refuses_a_made_up_path(demo_app):
    site = demo_app.runtime("portail")
    assert routing.route_of(site.app, "/members/12") == "member"
    assert routing.route_of(site.app, "/agenda/12#comment-3") == "agenda-event"
    assert routing.route_of(site.app, "/agenda/?when=past") == "agenda"
    assert routing.route_of(site.app, "/directory/12/edit", "POST") == "directory-edit"
    assert routing.route_of(site.app, "/agenda/12/cancel") is None  # POST only
    assert routing.route_of(site.app, "/organisations/12") is None
    assert routing.route_of(site.app, "/agenda/twelve") is None


def test_a_kind_whose_path_is_written_by_hand_is_caught(demo_app):
    """What the test above would say of a kind whose path was typed, not named (the directory's card
    lived at /directory/<guid> but was written /organisations/<guid>)."""
    site = demo_app.runtime("portail")
    typed = EntityKind("directory.organisation", "Organisation", url=lambda e: f"/organisations/{e.guid}")
    named = EntityKind("directory.organisation", "Organisation",
                       url=lambda e: web.url_for(site, "directory-card", guid=e.guid))
    card = Entity(guid=12, site="portail", kind="directory.organisation", title="Asso")
    assert routing.route_of(site.app, typed.url(card)) is None
    assert routing.route_of(site.app, named.url(card)) == "directory-card"



def test_no_template_writes_a_page_address_by_hand():
    """Templates link with ``url_for(name, ...)``: an ``href``, ``action``, ``src`` or a ``url=`` argument
    (``data-*-url`` included) starting with a path of the site (other than the static files) is a link a
    renamed route would leave dead."""
    root = Path(__file__).resolve().parents[2]
    typed = []
    for template in sorted([*root.glob("core/templates/**/*.html"), *root.glob("plugins/*/templates/**/*.html"),
                            *root.glob("themes/*/templates/**/*.html")]):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            typed += [f"{template.relative_to(root)}:{number}: {m.group(0)}"
                      for m in re.finditer(r'(?:href|action|src|url)="/(?!static/|/)[^"]*"', line)]
    assert typed == []
