#!/usr/bin/env python3
"""Keep the French and English catalogs of every component complete.

    python scripts/i18n.py update [COMPONENT...]   extract strings, merge them into fr and en catalogs
    python scripts/i18n.py check                   fail if a string lacks its French translation
    python scripts/i18n.py todo [COMPONENT]        list the French strings still to translate

A component is ``core``, a bundled plugin's name or ``theme-<name>``. Source strings are English,
so the English catalog is filled with the source text; French needs a human.
Catalogs live in ``<component>/locale/<lang>/LC_MESSAGES/messages.po``.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("fr", "en")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "gettext_lazy": None, "_l": None}
METHODS = [
    ("**/migrations/**.py", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
    ("**/templates/**.txt", "jinja2.ext:babel_extract"),
]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"},
           "**/templates/**.txt": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}


def components() -> dict[str, Path]:
    found = {"core": ROOT / "core"}
    for folder in sorted((ROOT / "plugins").glob("*/")):
        if (folder / "plugin.toml").exists():
            found[folder.name] = folder
    for folder in sorted((ROOT / "themes").glob("*/")):
        if (folder / "templates").is_dir():
            found[f"theme-{folder.name}"] = folder
    return found


def extract(folder: Path) -> Catalog:
    template = Catalog(project="maillage", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(folder), METHODS, OPTIONS, KEYWORDS, comment_tags=("Translators:",)):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    manifest = folder / "plugin.toml"
    if manifest.exists():  # the name and description the administrators' plugins page shows
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        for key in ("label", "description"):
            if data.get(key):
                template.add(data[key], None, [("plugin.toml", 1)])
    return template


def po_path(folder: Path, lang: str) -> Path:
    return folder / "locale" / lang / "LC_MESSAGES" / "messages.po"


def load(path: Path, lang: str) -> Catalog:
    if path.exists():
        with path.open("rb") as fh:
            return read_po(fh, locale=lang)
    return Catalog(locale=lang, project="maillage", fuzzy=False)


def update(names: list[str]) -> None:
    for name, folder in components().items():
        if names and name not in names:
            continue
        template = extract(folder)
        for lang in LANGS:
            path = po_path(folder, lang)
            catalog = load(path, lang)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            if lang == "en":
                for msg in catalog:
                    if msg.id and isinstance(msg.id, tuple | list) and not all(msg.string or ()):
                        msg.string = tuple(msg.id)
                    elif msg.id and not msg.string:
                        msg.string = msg.id
                    if msg.id:
                        msg.flags.discard("fuzzy")
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as fh:
                write_po(fh, catalog, width=100, omit_header=False, sort_output=True)
        print(f"{name}: {len(template)} strings")


def missing(folder: Path, lang: str) -> list[str]:
    template = extract(folder)
    catalog = load(po_path(folder, lang), lang)
    result = []
    for msg in template:
        if not msg.id:
            continue
        have = catalog.get(msg.id, context=msg.context)
        strings = have.string if have else None
        if isinstance(strings, tuple | list):
            empty = not all(strings)
        else:
            empty = not strings
        if have is None or empty or "fuzzy" in have.flags:
            result.append(msg.id if isinstance(msg.id, str) else msg.id[0])
    return result


def check() -> int:
    problems = 0
    for name, folder in components().items():
        for lang in LANGS:
            gaps = missing(folder, lang)
            if gaps:
                problems += len(gaps)
                print(f"{name} [{lang}]: {len(gaps)} untranslated: " + "; ".join(repr(g) for g in gaps[:5]))
    if problems:
        print("run `python scripts/i18n.py update` then translate the French catalogs")
        return 1
    print("catalogs complete")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("update", "check", "todo"):
        print(__doc__)
        return 2
    if argv[0] == "update":
        update(argv[1:])
        return 0
    if argv[0] == "todo":
        for name, folder in components().items():
            if len(argv) > 1 and name not in argv[1:]:
                continue
            for gap in missing(folder, "fr"):
                print(f"{name}: {gap}")
        return 0
    return check()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
