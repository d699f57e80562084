"""What a plugin declares in ``plugin.toml`` beside its name: entity kinds, menus, container
tools and settings. The core turns the declarations into hook implementations, so a plugin
writes no ``hooks.py`` code for them::

    [[kinds]]
    name = "poll.poll"
    label = "Poll"
    plural = "Polls"
    route = "poll-poll"                  # the route of its page, given the entity's guid as ``guid``;
                                         # or url = "maillage_poll.polls:url", a function (site, entity) -> path
    summary_template = "poll/summary.html"
    searchable = true
    commentable = true

    [[menus]]
    menu = "main"
    label = "Polls"
    route = "poll"                       # a route name (or url = "https://...", a fixed address)
    order = 40
    active_prefix = "/poll/"
    when = "signed_in"                   # optional: "signed_in", "moderator" or "admin"

    [[container_tools]]
    label = "Polls"
    route = "poll-container"             # a route given the container's guid as ``guid``
    container_kinds = ["groups.group"]   # optional: only inside these kinds

    [[settings]]
    name = "per_page"
    label = "Polls per page"
    type = "int"
    default = 20
    min = 5
    max = 100

Pages are named by their routes (``maillage_routes``), never written as paths, so a renamed or
removed route stops the site's start instead of leaving dead links.

Labels are msgids of the plugin's catalog (``maillage i18n`` extracts them), shown in the
reader's language. A plugin may still answer the same hooks in code for what the manifest
cannot say (a menu that depends on a setting); both answers count.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core import hookimpl, web
from core.kinds import EntityKind
from core.menus import MenuItem
from core.settings import SettingField

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

SECTIONS = ("kinds", "menus", "container_tools", "settings")
KIND_KEYS = {"name", "label", "plural", "route", "url", "summary_template", "activity_template", "searchable",
             "commentable", "likable", "in_activity", "restorable", "container", "feed_filter"}
MENU_KEYS = {"menu", "label", "route", "url", "order", "name", "active_prefix", "when"}
TOOL_KEYS = {"label", "route", "url", "order", "name", "container_kinds"}
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
            if "label" not in row or (section in ("kinds", "settings") and "name" not in row):
                raise ManifestError(f"[[{section}]] needs a name and a label: {row}")
            if section != "settings":
                _check_address(section, row)
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


def _check_address(section: str, row: dict) -> None:
    """A kind, menu entry or container tool names its page by ``route`` (a route name); a kind may
    instead give ``url = "module:function"``, a menu entry ``url`` = an address outside the site."""
    where = f"[[{section}]] {row.get('name') or row.get('label')}"
    if ("route" in row) == ("url" in row):
        raise ManifestError(f"{where}: give its page as route = \"<route name>\" (one of route or url)")
    url = row.get("url")
    if url is None:
        return
    if section == "kinds" and ":" not in url:
        raise ManifestError(f"{where}: url = {url!r} is a path; name the page's route instead "
                            f"(route = \"<route name>\") or a function (url = \"module:function\")")
    if section == "container_tools" or (section == "menus" and not url.startswith(("http://", "https://"))):
        raise ManifestError(f"{where}: url = {url!r}; name the page's route instead (route = \"<route name>\")")


def _url_builder(site: SiteRuntime, row: dict, package: str) -> Callable[[Any], str]:
    """A kind's ``url``: its route given the entity's guid, or ``"module:function"`` called with
    ``(site, entity)``."""
    if "route" in row:
        route = row["route"]
        return lambda entity: web.url_for(site, route, guid=entity.guid)
    module, name = row["url"].split(":", 1)
    if module.startswith("."):
        module = package + module
    target = getattr(importlib.import_module(module), name)
    return lambda entity: target(site, entity)


class Declared:
    """The hook implementations of one plugin's manifest declarations (registered by the site
    runtime as ``<plugin>.manifest``)."""

    def __init__(self, package: str, declared: dict[str, list[dict]]):
        from core.i18n import gettext_lazy

        def _l(text: str):  # never look up "": gettext answers it with the catalog's header
            return gettext_lazy(text) if text else ""

        self.package = package
        self.declared = declared
        self.kinds = [{**row, "label": _l(row["label"]), "plural": _l(row.get("plural", ""))}
                      for row in declared.get("kinds", [])]
        self.settings = [SettingField(**{**row, "label": _l(row["label"]), "help": _l(row.get("help", "")),
                                         "choices": tuple((v, _l(label)) for v, label in row.get("choices", []))})
                         for row in declared.get("settings", [])]

    @hookimpl
    def maillage_entity_kinds(self, site):
        return [EntityKind(**{key: value for key, value in row.items() if key not in ("route", "url")},
                           url=_url_builder(site, row, self.package))
                for row in self.kinds]

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
        return [MenuItem(row["menu"], gettext(row["label"]), _address(site, row), order=row.get("order", 50),
                         name=row.get("name", ""), active_prefix=row.get("active_prefix", ""))
                for row in rows if row.get("when") in allowed]

    @hookimpl
    def maillage_container_tools(self, site, container):
        from core.i18n import gettext

        return [MenuItem("container", gettext(row["label"]), _address(site, row, guid=container.guid),
                         order=row.get("order", 50), name=row.get("name", ""))
                for row in self.declared.get("container_tools", [])
                if container.kind in row.get("container_kinds", [container.kind])]


def _address(site: SiteRuntime, row: dict, **params) -> str:
    """The path of a menu entry's or a container tool's ``route`` on ``site`` (or its fixed ``url``)."""
    return web.url_for(site, row["route"], **params) if "route" in row else row["url"]
