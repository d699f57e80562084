"""``maillage new-plugin NAME``: a working plugin with a route, a template, a model, a migration and a test."""

from __future__ import annotations

import re
from pathlib import Path

from core import __version__

NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class ScaffoldError(ValueError):
    """The plugin cannot be created as asked."""


def new_plugin(name: str, plugins_dir: Path, tests_dir: Path) -> list[Path]:
    """Write the plugin ``name`` under ``plugins_dir`` and its test under ``tests_dir``."""
    from core.cli import CLIError

    if not NAME.match(name):
        raise CLIError(f"{name!r} is not a valid plugin name: use lowercase letters, digits and underscores")
    root = plugins_dir / name
    if root.exists():
        raise CLIError(f"{root} already exists")
    package = f"plugins.{name}" if plugins_dir.name == "plugins" else name
    title = name.replace("_", " ").capitalize()
    major, minor = __version__.split(".")[:2]
    files = {
        root / "__init__.py": f'"""The {name} plugin."""\n',
        root / "plugin.toml": _MANIFEST.format(name=name, title=title, major=major, minor=minor,
                                               next_major=int(major) + 1),
        root / "hooks.py": _HOOKS.format(name=name, title=title, package=package),
        root / "models.py": _MODELS.format(name=name),
        root / "views.py": _VIEWS.format(name=name, package=package),
        root / "migrations" / "0001_initial.py": _MIGRATION.format(name=name),
        root / "templates" / name / "index.html": _TEMPLATE.format(name=name, title=title),
        tests_dir / name / f"test_{name}.py": _TEST.format(name=name, package=package),
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return list(files)


_MANIFEST = '''name = "{name}"
label = "{title}"
description = "Describe in one sentence what {name} brings to a site."
version = "0.1.0"
requires = []
core = ">={major}.{minor},<{next_major}"
'''

_HOOKS = '''"""What the {name} plugin brings: its routes and its menu entry."""

from starlette.routing import Route

from core import hookimpl
from core.i18n import gettext as _
from core.menus import MenuItem

from {package} import views


@hookimpl
def maillage_routes(site):
    return [Route("/", views.index, methods=["GET", "POST"], name="{name}-index")]


@hookimpl
def maillage_menu_items(site, request):
    return [MenuItem("main", _("{title}"), "/{name}/", order=60, active_prefix="/{name}/")]
'''

_MODELS = '''"""The {name} plugin's table."""

import peewee as pw

from core.db import BaseModel, now


class Note(BaseModel):
    """A short note left on the {name} page."""

    site = pw.CharField(max_length=64, index=True)
    text = pw.CharField(max_length=500)
    created = pw.DateTimeField(default=now)

    class Meta:
        table_name = "{name}_note"
'''

_VIEWS = '''"""The {name} plugin's pages."""

from core import web
from core.i18n import gettext as _

from {package}.models import Note


def index(request):
    """List the notes of this site; signed-in members add one."""
    site = web.site_of(request)
    error, text = None, ""
    if request.method == "POST":
        web.require_user(request)
        text = (web.form(request).get("text") or "").strip()
        if not text:
            error = _("Write something first.")
        else:
            Note.create(site=site.id, text=text[:500])
            web.flash(request, _("Saved."))
            return web.redirect(request, "/{name}/")
    notes = Note.select().where(Note.site == site.id).order_by(Note.id.desc()).limit(50)
    return web.render(request, "{name}/index.html", {{"notes": notes, "error": error, "text": text}},
                      status_code=400 if error else 200)
'''

_MIGRATION = '''"""Create the {name}_note table."""

import datetime

from peewee import CharField, DateTimeField, Model


def up(migrator, db):
    class Note(Model):
        site = CharField(max_length=64, index=True)
        text = CharField(max_length=500)
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            database = db
            table_name = "{name}_note"

    db.create_tables([Note])
'''

_TEMPLATE = '''{{% extends "core/base.html" %}}
{{% block title %}}{{{{ _("{title}") }}}}{{% endblock %}}
{{% block content %}}
{{% if user %}}
<form method="post" class="form">
  <input type="hidden" name="{{{{ csrf_field }}}}" value="{{{{ csrf_token }}}}">
  {{% if error %}}<p class="form-error" role="alert">{{{{ error }}}}</p>{{% endif %}}
  <div class="field">
    <label for="text">{{{{ _("Note") }}}}</label>
    <input id="text" name="text" type="text" value="{{{{ text }}}}">
  </div>
  <button type="submit" class="primary">{{{{ _("Save") }}}}</button>
</form>
{{% endif %}}
<ul>{{% for note in notes %}}<li>{{{{ note.text }}}}</li>{{% else %}}<li>{{{{ _("Nothing yet.") }}}}</li>{{% endfor %}}</ul>
{{% endblock %}}
'''

_TEST = '''"""Tests of the {name} plugin."""

from core import accounts, testing
from core.db import database


def test_page_lists_and_saves_notes(tmp_path):
    app = testing.make_app(tmp_path, plugins=["{name}"])
    with database.connection_context():
        accounts.create_account("test", "ada@example.org", "Ada", "a-long-password")
    client = testing.client(app)
    assert client.get("/{name}/").status_code == 200
    client.signin("ada@example.org", "a-long-password")
    response = client.post_form("/{name}/", {{"text": "Hello"}})
    assert response.status_code == 200
    assert "Hello" in response.text
'''
