"""The theme tree edited by the administrator (/directory/themes).

The tree is written as text, one theme per line, sub-themes indented by two spaces; a line may end
with its stable key in brackets (``Football [foot]``): renaming a theme keeps its key, so cards keep it.
New lines get a key made from their label. The edited tree is stored in the directory's plugin
settings (key ``taxonomy``); "reload from the site file" forgets it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from core import sites, web
from core.i18n import gettext as _
from core.models import Entity
from plugins.directory import cards, grid
from plugins.directory.models import Organisation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

LINE = re.compile(r"^(?P<label>.*?)\s*(?:\[(?P<key>[^\[\]]+)\])?\s*$")


def to_text(tree: list[dict]) -> str:
    """The tree as editable text."""
    lines = []
    for node in tree:
        lines.append(_line(node))
        lines += ["  " + _line(child) for child in node["children"]]
    return "\n".join(lines)


def _line(node: dict) -> str:
    return node["label"] if node["key"] == node["label"] else f"{node['label']} [{node['key']}]"


def parse(text: str) -> tuple[list[dict], list[str]]:
    """Text -> (tree, errors); errors name their line number."""
    tree, errors, keys = [], [], set()
    for number, raw in enumerate((text or "").splitlines(), 1):
        if not raw.strip():
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if "\t" in raw[:len(raw) - len(raw.lstrip())]:
            errors.append(_("Line %(n)s: indent with spaces, not tabs.") % {"n": number})
            continue
        match = LINE.match(raw.strip())
        label, key = match["label"].strip(), (match["key"] or "").strip()
        if not label:
            errors.append(_("Line %(n)s: the theme has no name.") % {"n": number})
            continue
        if "|" in label + key:
            errors.append(_("Line %(n)s: the character | is not allowed.") % {"n": number})
            continue
        key = key or label
        if key in keys:
            errors.append(_("Line %(n)s: “%(key)s” is already used by another theme.") % {"n": number, "key": key})
            continue
        keys.add(key)
        node = {"key": key, "label": label}
        if indent == 0:
            tree.append({**node, "children": []})
        elif indent == 2:
            if not tree:
                errors.append(_("Line %(n)s: a sub-theme needs a theme on a line above it.") % {"n": number})
                continue
            tree[-1]["children"].append(node)
        else:
            errors.append(_("Line %(n)s: indent sub-themes by exactly two spaces.") % {"n": number})
    return tree, errors


def keys_of(tree: list[dict]) -> dict[str, str]:
    found = {}
    for node in tree:
        found[node["key"]] = node["label"]
        found.update({c["key"]: c["label"] for c in node["children"]})
    return found


def usage(site: SiteRuntime, keys) -> dict[str, int]:
    """How many cards of the site (any access) carry each theme key."""
    counts = {}
    for key in keys:
        n = (Organisation.select().join(Entity, on=(Organisation.entity == Entity.guid))
             .where(Entity.site == site.id, Entity.kind == cards.KIND, Entity.deleted_at.is_null(),
                    Organisation.themes.contains(f"|{key}|")).count())
        if n:
            counts[key] = n
    return counts


def edit(request):
    """Edit, reorder, rename and remove themes; reload them from the site file."""
    web.require_admin(request)
    site = web.site_of(request)
    current = cards.taxonomy(site)
    stored = site.plugin_settings("directory").get("taxonomy") is not None
    text, errors, removed = to_text(current), [], {}
    if request.method == "POST":
        form = web.form(request)
        if form.get("action") == "reload":
            sites.save_plugin_settings(site.id, "directory", {"taxonomy": None})
            site.checked_at = 0
            web.flash(request, _("The themes are reloaded from the site file."))
            return web.redirect(request, web.url_for(request, "directory-themes"))
        text = form.get("tree", "")
        tree, errors = parse(text)
        if not errors:
            old = keys_of(current)
            gone = usage(site, [k for k in old if k not in keys_of(tree)])
            removed = {old[k]: n for k, n in gone.items()}
            if not removed or form.get("confirm_remove") == "1":
                sites.save_plugin_settings(site.id, "directory", {"taxonomy": tree})
                site.checked_at = 0
                grid.rebuild(site, grid.parents_of(tree))  # a sub-theme counts for its parent on the map
                web.flash(request, _("The themes are saved."))
                return web.redirect(request, web.url_for(request, "directory-themes"))
    return web.render(request, "directory/themes.html", {
        "text": text, "errors": errors, "removed": removed, "stored": stored,
        "file_tree": bool(site.config.taxonomy), "tree": current, "used": usage(site, keys_of(current)),
    }, status_code=400 if errors or removed else 200)
