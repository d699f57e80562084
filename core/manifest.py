"""What a plugin declares in ``plugin.toml`` beside its name: entity kinds, menus, container
tools and settings. The core turns the declarations into hook implementations, so a plugin
writes no ``hooks.py`` code for them::

    [[kinds]]
    name = "poll.poll"
    label = "Poll"
    plural = "Polls"
    url = "/poll/{guid}"                 # or "maillage_poll.polls:url", a function entity -> path
    summary_template = "poll/summary.html"
    searchable = true
    commentable = true

    [[menus]]
    menu = "main"
    label = "Polls"
    url = "/poll/"
    order = 40
    active_prefix = "/poll/"
    when = "signed_in"                   # optional: "signed_in", "moderator" or "admin"

    [[container_tools]]
    label = "Polls"
    url = "/poll/in/{guid}"
    container_kinds = ["groups.group"]   # optional: only inside these kinds

    [[settings]]
    name = "per_page"
    label = "Polls per page"
    type = "int"
    default = 20
    min = 5
    max = 100

Labels are msgids of the plugin's catalog (``maillage i18n`` extracts them), shown in the
reader's language. A plugin may still answer the same hooks in code for what the manifest
cannot say (a menu that depends on a setting); both answers count.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from core import hookimpl
from core.kinds import EntityKind
from core.menus import MenuItem
from core.settings import SettingField

SECTIONS = ("kinds", "menus", "container_tools", "settings")
KIND_KEYS = {"name", "label", "plural", "url", "summary_template", "activity_template", "searchable",
             "commentable", "likable", "in_activity", "restorable", "container", "feed_filter"}
MENU_KEYS = {"menu", "label", "url", "order", "name", "active_prefix", "when"}
TOOL_KEYS = {"label", "url", "order", "name", "container_kinds"}
SETTING_KEYS = {"name", "label", "type", "default", "help", "choices", "min", "max", "required"}


class ManifestError(ValueError):
    """A declaration in plugin.toml is not valid; the message names it."""


def declarations(data: dict) -> dict[str, list[dict]]:
    """The declaration tables of a parsed manifest, checked (unknown keys are errors)."""
    found = {}
    for section, keys in zip(SECTIONS, (KIND_KEYS, MENU_KEYS, TOOL_KEYS, SETTING_KEYS), strict=True):
        rows = data.get(section, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ManifestError(f"[[{section}]] must be a list of tables")
        for row in rows:
            unknown = set(row) - keys
            if unknown:
                raise ManifestError(f"[[{section}]] {row.get('name') or row.get('label')}: unknown "
                                    f"key(s) {', '.join(sorted(unknown))}")
            if "label" not in row or (section in ("kinds", "settings") and "name" not in row) \
                    or (section != "settings" and section != "kinds" and "url" not in row):
                raise ManifestError(f"[[{section}]] needs name/label/url: {row}")
        if rows:
            found[section] = rows
    return found


def texts(data: dict) -> list[str]:
    """The translatable strings of a parsed manifest (labels, plurals, help texts, choice labels)."""
    result = []
    for section in SECTIONS:
        for row in data.get(section, []):
            result += [row[key] for key in ("label", "plural", "help") if row.get(key)]
            result += [label for _value, label in row.get("choices", [])]
    return result


def _url_builder(spec: str, package: str) -> Callable[[Any], str]:
    """``"/poll/{guid}"`` (a path with the entity's guid) or ``"module:function"``."""
    if ":" in spec:
        module, name = spec.split(":", 1)
        if module.startswith("."):
            module = package + module
        target = getattr(importlib.import_module(module), name)
        return lambda entity: target(entity)
    return lambda entity: spec.format(guid=entity.guid)


class Declared:
    """The hook implementations of one plugin's manifest declarations (registered by the site
    runtime as ``<plugin>.manifest``)."""

    def __init__(self, package: str, declared: dict[str, list[dict]]):
        from core.i18n import gettext_lazy

        def _l(text: str):  # never look up "": gettext answers it with the catalog's header
            return gettext_lazy(text) if text else ""

        self.package = package
        self.declared = declared
        self.kinds = [EntityKind(**{**row, "label": _l(row["label"]), "plural": _l(row.get("plural", "")),
                                    "url": _url_builder(row["url"], package)})
                      for row in declared.get("kinds", [])]
        self.settings = [SettingField(**{**row, "label": _l(row["label"]), "help": _l(row.get("help", "")),
                                         "choices": tuple((v, _l(label)) for v, label in row.get("choices", []))})
                         for row in declared.get("settings", [])]

    @hookimpl
    def maillage_entity_kinds(self, site):
        return self.kinds

    @hookimpl
    def maillage_settings_schema(self, site):
        return self.settings

    @hookimpl
    def maillage_menu_items(self, site, request):
        from core.i18n import gettext
        from core.web import current_user

        rows = self.declared.get("menus", [])
        if not rows:
            return None
        user = current_user(request)
        allowed = {None, *(("signed_in",) if user else ()), *(("moderator",) if user and user.is_moderator else ()),
                   *(("admin",) if user and user.is_admin else ())}
        return [MenuItem(row["menu"], gettext(row["label"]), row["url"], order=row.get("order", 50),
                         name=row.get("name", ""), active_prefix=row.get("active_prefix", ""))
                for row in rows if row.get("when") in allowed]

    @hookimpl
    def maillage_container_tools(self, site, container):
        from core.i18n import gettext

        return [MenuItem("container", gettext(row["label"]), row["url"].format(guid=container.guid),
                         order=row.get("order", 50), name=row.get("name", ""))
                for row in self.declared.get("container_tools", [])
                if container.kind in row.get("container_kinds", [container.kind])]
