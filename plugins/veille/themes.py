"""The site's theme taxonomy (``[[taxonomy]]`` of the site file, as the agenda reads it): themes
and their sub-themes, by id."""

from __future__ import annotations


def tree(site) -> list[dict]:
    """[{"key", "label", "children": [{"key", "label"}]}] in the site file's order."""
    nodes = []
    for item in site.config.taxonomy or []:
        if isinstance(item, str):
            nodes.append({"key": item, "label": item, "children": []})
            continue
        children = []
        for child in item.get("children", item.get("sub", [])) or []:
            if isinstance(child, str):
                children.append({"key": child, "label": child})
            else:
                key = str(child.get("id") or child.get("key") or child.get("label") or "")
                children.append({"key": key, "label": str(child.get("label") or key)})
        key = str(item.get("id") or item.get("key") or item.get("label") or "")
        nodes.append({"key": key, "label": str(item.get("label") or key), "children": children})
    return nodes


def choices(site) -> list[tuple[str, str]]:
    """(key, label) of every theme, sub-themes after their parent, prefixed with a dash."""
    found = []
    for node in tree(site):
        found.append((node["key"], node["label"]))
        found += [(c["key"], f"— {c['label']}") for c in node["children"]]
    return found


def labels(site) -> dict[str, str]:
    labels = {}
    for node in tree(site):
        labels[node["key"]] = node["label"]
        labels.update({c["key"]: c["label"] for c in node["children"]})
    return labels


def with_children(site, key: str) -> list[str]:
    """``key`` and its sub-themes: a theme's list holds the links of its sub-themes too."""
    for node in tree(site):
        if node["key"] == key:
            return [key, *(c["key"] for c in node["children"])]
    return [key]


def parent_of(site, key: str) -> str:
    """The top theme ``key`` belongs to (itself for a top theme)."""
    for node in tree(site):
        if key == node["key"] or key in (c["key"] for c in node["children"]):
            return node["key"]
    return key
