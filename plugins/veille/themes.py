"""The site's theme taxonomy, as the directory files organisations under it (``plugins.directory.api``:
the site file's ``[[taxonomy]]``, or the tree the administrator edited at /directory/themes, whether
or not the directory is enabled): themes and their sub-themes, by key."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def tree(site: SiteRuntime) -> list[dict]:
    """[{"key", "label", "children": [{"key", "label"}]}] in the taxonomy's order."""
    from plugins.directory import api as directory

    return [{"key": str(node["key"]), "label": str(node["label"]),
             "children": [{"key": str(c["key"]), "label": str(c["label"])} for c in node["children"]]}
            for node in directory.taxonomy(site)]


def choices(site: SiteRuntime) -> list[tuple[str, str]]:
    """(key, label) of every theme, sub-themes after their parent, prefixed with a dash."""
    found = []
    for node in tree(site):
        found.append((node["key"], node["label"]))
        found += [(c["key"], f"— {c['label']}") for c in node["children"]]
    return found


def labels(site: SiteRuntime) -> dict[str, str]:
    labels = {}
    for node in tree(site):
        labels[node["key"]] = node["label"]
        labels.update({c["key"]: c["label"] for c in node["children"]})
    return labels


def with_children(site: SiteRuntime, key: str) -> list[str]:
    """``key`` and its sub-themes: a theme's list holds the links of its sub-themes too."""
    for node in tree(site):
        if node["key"] == key:
            return [key, *(c["key"] for c in node["children"])]
    return [key]


def parent_of(site: SiteRuntime, key: str) -> str:
    """The top theme ``key`` belongs to (itself for a top theme)."""
    for node in tree(site):
        if key == node["key"] or key in (c["key"] for c in node["children"]):
            return node["key"]
    return key
