"""``maillage new-plugin NAME --dir PATH``: a plugin as a pip package of its own, with its test.

The package ``PATH/maillage_NAME/`` holds ``pyproject.toml`` (the ``maillage.plugins`` entry
point and the package data), the plugin ``maillage_NAME/`` (manifest, hooks, an entity-backed
model and its migration, a list page and an item page, an activity template, a search
document, French and English catalogs) and ``tests/test_NAME.py``, which runs with maillage's
pytest plugin and no file of maillage's repository::

    maillage new-plugin poll --dir ~/src
    pip install -e ~/src/maillage_poll && maillage plugins enable poll --site portail
    cd ~/src/maillage_poll && pytest
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import write_po

from core import __version__, builtin
from core.commands import CLIError, i18n

NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def core_prefixes() -> set[str]:
    """The first path segments the core serves (``admin``, ``members``...): no plugin may be named so."""
    return {route.path.strip("/").split("/", 1)[0] for route in builtin.maillage_routes(site=None)} | {"static"}


def check_name(name: str) -> None:
    """Raise CLIError unless ``name`` can be a plugin's name (and its URL prefix)."""
    if name.startswith("maillage_"):
        raise CLIError(f"give the plugin's own name ({name.removeprefix('maillage_')}); "
                       f"its package is named {name}")
    if not NAME.match(name):
        raise CLIError(f"{name!r} is not a valid plugin name: 2 to 40 lowercase letters, digits and "
                       "underscores, starting with a letter")
    if name in core_prefixes():
        raise CLIError(f"{name!r} is a path of the core (/{name}/): choose another name")


def new_plugin(name: str, where: Path) -> list[Path]:
    """Write the package of plugin ``name`` in ``where/maillage_<name>``; return the files written."""
    check_name(name)
    package = f"maillage_{name}"
    root = where / package
    if root.exists():
        raise CLIError(f"{root} already exists")
    major, minor = __version__.split(".")[:2]
    values = {"__NAME__": name, "__PACKAGE__": package, "__TITLE__": name.replace("_", " ").capitalize(),
              "__CORE__": f">={major}.{minor},<{int(major) + 1}", "__DIST__": package.replace("_", "-")}
    written = []
    for relative, content in FILES.items():
        for key, value in values.items():
            relative, content = relative.replace(key, value), content.replace(key, value)
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    plugin_dir = root / package
    i18n.update(plugin_dir)
    _translate(plugin_dir, values)
    written += [i18n.po_path(plugin_dir, lang) for lang in i18n.LANGS]
    return written


def _translate(plugin_dir: Path, values: dict) -> None:
    """Fill the French catalog with the scaffold's own strings (a new plugin starts complete)."""
    path = i18n.po_path(plugin_dir, "fr")
    catalog = i18n.load(path, "fr")
    for english, french in FRENCH.items():
        for key, value in values.items():
            english, french = english.replace(key, value), french.replace(key, value)
        if english in catalog:
            catalog[english].string = french
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True)


FRENCH = {
    "__TITLE__": "__TITLE__",
    "Describe in one sentence what __NAME__ brings to a site.":
        "Décrivez en une phrase ce que __NAME__ apporte à un site.",
    "Item": "Élément",
    "Items": "Éléments",
    "New item": "Nouvel élément",
    "Title": "Titre",
    "Text": "Texte",
    "Who sees it": "Qui le voit",
    "Everyone, including visitors": "Tout le monde, visiteurs compris",
    "Signed-in members": "Les membres connectés",
    "My connections": "Mes relations",
    "Only me": "Moi seulement",
    "Members of %(name)s": "Les membres de %(name)s",
    "Publish": "Publier",
    "Choose who may see it.": "Choisissez qui peut le voir.",
    "Published.": "Publié.",
    "Nothing yet.": "Rien pour l'instant.",
    "Older": "Plus anciens",
    "Pages": "Pages",
    "In %(name)s": "Dans %(name)s",
}

FILES = {
"pyproject.toml": '''[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "__DIST__"
version = "0.1.0"
description = "The __NAME__ plugin of maillage"
requires-python = ">=3.11"
dependencies = ["maillage"]

# maillage finds the plugin through this entry point: its value is the package holding plugin.toml
[project.entry-points."maillage.plugins"]
__NAME__ = "__PACKAGE__"

[tool.setuptools]
packages = ["__PACKAGE__"]

[tool.setuptools.package-data]
__PACKAGE__ = ["plugin.toml", "migrations/*.py", "templates/__NAME__/*.html", "locale/*/LC_MESSAGES/*.po",
               "static/*"]

[tool.pytest.ini_options]
testpaths = ["tests"]
addopts = "-ra --strict-markers"
''',
"README.md": '''# __PACKAGE__

The __NAME__ plugin of [maillage](https://example.org/maillage).

    pip install -e .                          # then restart maillage
    maillage plugins enable __NAME__ --site SITE
    pytest                                    # maillage's pytest plugin gives the fixtures
    maillage i18n update --dir __PACKAGE__     # after changing texts; translate the French catalog
    maillage i18n check --dir __PACKAGE__
''',
"__PACKAGE__/__init__.py": '''"""The __NAME__ plugin of maillage."""
''',
"__PACKAGE__/plugin.toml": '''name = "__NAME__"
label = "__TITLE__"
description = "Describe in one sentence what __NAME__ brings to a site."
version = "0.1.0"
requires = []
core = "__CORE__"
''',
"__PACKAGE__/hooks.py": '''"""What the __NAME__ plugin brings: the "__NAME__.item" entity kind, its pages, a menu entry and
its search document."""

from core import hookimpl, web
from core.i18n import gettext as _
from core.i18n import gettext_lazy as _l
from core.kinds import EntityKind
from core.menus import MenuItem
from starlette.routing import Route

from __PACKAGE__ import views


@hookimpl
def maillage_routes(site):
    # paths are relative to the plugin's prefix: these serve /__NAME__/ and /__NAME__/3
    return [
        Route("/", views.index, methods=["GET", "POST"], name="__NAME__"),
        Route("/{guid:int}", views.show, name="__NAME__-item"),
    ]


@hookimpl
def maillage_menu_items(site, request):
    return [MenuItem("main", _("Items"), web.url_for(site, "__NAME__"), order=60, name="__NAME__",
                     active_prefix="/__NAME__/")]


@hookimpl
def maillage_entity_kinds(site):
    return [EntityKind("__NAME__.item", _l("Item"), plural=_l("Items"),
                       url=lambda entity: web.url_for(site, "__NAME__-item", guid=entity.guid),
                       activity_template="__NAME__/activity.html", searchable=True, commentable=True,
                       likable=True)]


@hookimpl
def maillage_search_documents(site, entity):
    if entity.kind == "__NAME__.item":
        from __PACKAGE__.models import Item

        item = Item.get_or_none(Item.entity == entity.guid)
        return {"title": entity.title, "body": item.body if item else ""}
''',
"__PACKAGE__/models.py": '''"""The __NAME__ plugin's table: the text of each item. Its entity row holds the owner, the
container, the access level and the dates."""

import peewee as pw
from core.db import BaseModel
from core.models import Entity


class Item(BaseModel):
    """One item, keyed by its entity."""

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    body = pw.TextField(default="")

    class Meta:
        table_name = "__NAME___item"
''',
"__PACKAGE__/migrations/0001_initial.py": '''"""Create the __NAME___item table."""

from core.migrate import stubs
from peewee import ForeignKeyField, TextField


def up(migrator, db):
    Base, Entity = stubs(db)  # frozen stand-ins: this file must not import the live models

    class Item(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        body = TextField(default="")

        class Meta:
            table_name = "__NAME___item"

    db.create_tables([Item])
''',
"__PACKAGE__/views.py": '''"""The __NAME__ plugin's pages: the list of items with the form to publish one, and one item."""

from core import access, activity, entities, inputs, web
from core.db import database
from core.i18n import gettext as _
from core.models import Entity

from __PACKAGE__.models import Item

PAGE = 20
LEVELS = ("public", "members", "connections", "private", "container")


def index(request):
    """The items the viewer may see, newest first (``?before=GUID`` for older ones); a signed-in
    member publishes one, inside a container they may post in with ``?in=GUID``."""
    site = web.site_of(request)
    user = web.current_user(request)
    container = None
    container_guid = inputs.query_int(request, "in", minimum=1)  # 400 for what is not an id
    if container_guid is not None:
        container = entities.get_visible(site, user, container_guid)
        if container is None:
            raise web.not_found()
    values, errors = {"title": "", "body": "", "access": "container" if container else "public"}, {}
    if request.method == "POST":
        user = web.require_user(request)
        if container is not None and not entities.can(site, user, "post_in", container):
            raise web.forbidden()
        data = web.form(request)
        values = {key: inputs.clean_text(data.get(key) or "").strip() for key in values}
        for key, maximum in (("title", 300), ("body", 20_000)):
            try:
                values[key] = inputs.text(values[key], maximum=maximum, required=key == "title")
            except inputs.InvalidInput as exc:
                errors[key] = str(exc)
        if values["access"] not in LEVELS or (values["access"] == "container") != (container is not None):
            errors["access"] = _("Choose who may see it.")
        if not errors:
            actor = request.state.actor
            with database.atomic():  # announced after commit: the search index finds the item's body
                entity = entities.create(site, "__NAME__.item", owner=actor, title=values["title"],
                                         access_level=values["access"], container=container)
                Item.create(entity=entity, body=values["body"])
            activity.record(site, actor=actor, verb="published", entity=entity, container=container)
            web.flash(request, _("Published."))
            return web.redirect(request, web.url_for(site, "__NAME__-item", guid=entity.guid))
    query = (Entity.select().where(Entity.kind == "__NAME__.item", access.visible(user, site))
             .order_by(Entity.guid.desc()).limit(PAGE))
    if container is not None:
        query = query.where(Entity.container == container.guid)
    before = inputs.query_int(request, "before", minimum=1)
    if before is not None:
        query = query.where(Entity.guid < before)
    rows = list(query)
    return web.render(request, "__NAME__/index.html", {
        "items": rows, "container": container, "values": values, "errors": errors,
        "next_before": rows[-1].guid if len(rows) == PAGE else None,
    }, status_code=400 if errors else 200)


def show(request):
    """One item, with its comments and likes (404 for a viewer who may not see it)."""
    site = web.site_of(request)
    guid = request.path_params["guid"]
    viewer = web.current_user(request)
    entity = entities.get_visible(site, viewer, guid, kind="__NAME__.item") if inputs.in_int_range(guid) else None
    if entity is None:
        raise web.not_found()
    item = Item.get_by_id(entity.guid)
    return web.render(request, "__NAME__/item.html", {"entity": entity, "item": item})
''',
"__PACKAGE__/templates/__NAME__/index.html": '''{% extends "core/base.html" %}
{% import "core/ui.html" as ui %}
{% import "core/_forms.html" as forms %}
{% block title %}{% if container %}{{ _("In %(name)s", name=container.title) }}{% else %}{{ _("Items") }}{% endif %}{% endblock %}
{% block content %}
{% if user %}
<form method="post" class="form">{{ forms.csrf() }}
  <h2>{{ _("New item") }}</h2>
  {{ forms.input("title", _("Title"), values.title, errors.title, required=True) }}
  {{ forms.textarea("body", _("Text"), values.body, errors.body) }}
  {% set levels = [("container", _("Members of %(name)s", name=container.title))] if container else [("public", _("Everyone, including visitors")), ("members", _("Signed-in members")), ("connections", _("My connections")), ("private", _("Only me"))] %}
  {{ forms.select("access", _("Who sees it"), levels, values.access, errors.access) }}
  <button type="submit" class="btn btn-primary">{{ _("Publish") }}</button>
</form>
{% endif %}
{% call(entity) ui.cards(items, empty=_("Nothing yet.")) %}
  {{ ui.card(entity.title, url=url_for("__NAME__-item", guid=entity.guid), meta=entity.created|datetime,
             text=entity.owner.title) }}
{% endcall %}
{% if next_before %}<nav class="pagination" aria-label="{{ _('Pages') }}"><a href="{{ url_for('__NAME__') }}?before={{ next_before }}{% if container %}&amp;in={{ container.guid }}{% endif %}">{{ _("Older") }}</a></nav>{% endif %}
{% endblock %}
''',
"__PACKAGE__/templates/__NAME__/item.html": '''{% extends "core/base.html" %}
{% block title %}{{ entity.title }}{% endblock %}
{% block content %}
<article>
  <h1>{{ entity.title }}</h1>
  <p class="meta"><a href="{{ entity_url(entity.owner) }}">{{ entity.owner.title }}</a> ·
    <time datetime="{{ entity.created|isodate }}">{{ entity.created|datetime }}</time></p>
  {{ item.body|markdown }}
  {% include "core/likes.html" %}
</article>
{% include "core/comments.html" %}
{% endblock %}
''',
"__PACKAGE__/templates/__NAME__/activity.html": '''<p><a href="{{ entity_url(item.actor) }}">{{ item.actor.title }}</a> · {{ _("New item") }} : <a href="{{ url }}">{{ entity.title }}</a> <span class="meta"><time datetime="{{ item.created|isodate }}">{{ item.created|timeago }}</time></span></p>
''',
"tests/test___NAME__.py": '''"""Tests of the __NAME__ plugin; the fixtures come from maillage's pytest plugin."""

import pytest

pytestmark = pytest.mark.site(plugins=["__NAME__"])


def test_a_member_publishes_an_item_listed_shown_found_and_in_the_activity(signed_in, client):
    ada = signed_in("ada")
    response = ada.post_form("/__NAME__/", {"title": "First item", "body": "Some *words*", "access": "public"},
                             follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    assert "<em>words</em>" in page.text
    assert "First item" in client.get("/__NAME__/").text
    assert "First item" in client.get("/search", params={"q": "words"}).text
    assert "First item" in ada.get("/").text  # the activity stream of the member's home


def test_access_is_applied_and_the_form_comes_back_with_its_message(signed_in, client):
    ada = signed_in("ada")
    response = ada.post_form("/__NAME__/", {"title": "For members", "access": "members"}, follow_redirects=False)
    hidden = response.headers["location"]
    assert client.get(hidden).status_code == 404
    assert "For members" not in client.get("/__NAME__/").text
    assert ada.get(hidden).status_code == 200
    empty = ada.post_form("/__NAME__/", {"title": "", "body": "kept text", "access": "public"})
    assert empty.status_code == 400
    assert "kept text" in empty.text
    assert client.get("/__NAME__/", params={"before": "9" * 30}).status_code == 400
    assert client.get("/__NAME__/" + "9" * 30).status_code == 404


def test_pages_speak_french(client):
    assert "Rien pour l'instant." in client.get("/__NAME__/", headers={"accept-language": "fr"}).text
''',
}
