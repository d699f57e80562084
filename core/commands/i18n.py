"""``maillage i18n extract|update|compile|check|todo``: the French and English catalogs of the
core, of any plugin (bundled, installed or in a folder) and of the themes.

    maillage i18n update                   every component of this installation
    maillage i18n update blog poll         the core's or installed plugins' components by name
    maillage i18n update --dir maillage_poll   the plugin whose plugin.toml is in that folder
    maillage i18n check                    fail if a string lacks its French translation

A component is ``core``, a plugin's name or ``theme-<name>``. Source strings are English, so
the English catalog is filled with the source text; French needs a human. Catalogs live in
``<component>/locale/<lang>/LC_MESSAGES/messages.po`` (the core reads the ``.po`` files;
``compile`` checks that they compile and writes the ``.mo`` files other gettext tools use).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from core.commands import CLIError

LANGS = ("fr", "en")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "gettext_lazy": None, "_l": None}
METHODS = [
    ("**/migrations/**.py", "ignore"),
    ("**/tests/**.py", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
    ("**/templates/**.txt", "jinja2.ext:babel_extract"),
]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"},
           "**/templates/**.txt": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}


def components(names=(), folder: Path | None = None) -> dict[str, Path]:
    """The components to work on: those named (``core``, a plugin, ``theme-x``), the plugin in
    ``folder``, or else the core, the bundled plugins and the themes."""
    from core import plugins
    from core.runtime import CORE_DIR, THEMES_DIR

    if folder is not None:
        manifest = folder / "plugin.toml"
        if not manifest.exists():
            raise CLIError(f"{folder} holds no plugin.toml: give the folder of the plugin's package")
        name = tomllib.loads(manifest.read_text(encoding="utf-8")).get("name", folder.name)
        return {name: folder}
    found = {"core": CORE_DIR}
    installed = plugins.discover()
    for info in installed.values():
        if info.source == "bundled" or info.name in names:
            found[info.name] = info.path
    if THEMES_DIR.is_dir():
        for theme in sorted(THEMES_DIR.glob("*/")):
            if (theme / "templates").is_dir():
                found[f"theme-{theme.name}"] = theme
    if names:
        unknown = [n for n in names if n not in found]
        if unknown:
            raise CLIError(f"no component {', '.join(unknown)}; there are: {', '.join(found)}")
        found = {n: found[n] for n in names}
    return found


def extract(folder: Path) -> Catalog:
    """The strings to translate in ``folder``: Python, templates, the manifest's label and description
    and the labels of what it declares (kinds, menus, container tools, settings: ``core.manifest``)."""
    template = Catalog(project="maillage", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(folder), METHODS, OPTIONS, KEYWORDS, comment_tags=("Translators:",)):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    manifest = folder / "plugin.toml"
    if manifest.exists():  # the name and description the administrators' plugins page shows
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        from core import manifest as declared

        for text in [data.get("label"), data.get("description"), *declared.texts(data)]:
            if text:
                template.add(text, None, [("plugin.toml", 1)])
    return template


def po_path(folder: Path, lang: str) -> Path:
    return folder / "locale" / lang / "LC_MESSAGES" / "messages.po"


def load(path: Path, lang: str) -> Catalog:
    if path.exists():
        with path.open("rb") as fh:
            return read_po(fh, locale=lang)
    return Catalog(locale=lang, project="maillage", fuzzy=False)


def write_template(folder: Path) -> Path:
    """``extract``: write ``locale/messages.pot``."""
    path = folder / "locale" / "messages.pot"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, extract(folder), width=100, sort_output=True)
    return path


def update(folder: Path) -> int:
    """Merge the extracted strings into the French and English catalogs; return how many there are."""
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
    return len(template)


def compile_catalogs(folder: Path) -> list[str]:
    """Write ``messages.mo`` beside each catalog; return the problems babel finds in them."""
    problems = []
    for lang in LANGS:
        path = po_path(folder, lang)
        if not path.exists():
            problems.append(f"[{lang}] no catalog: run `maillage i18n update` first")
            continue
        catalog = load(path, lang)
        for message, errors in catalog.check():
            problems += [f"[{lang}] {message.id!r}: {error}" for error in errors]
        with path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog)
    return problems


def missing(folder: Path, lang: str) -> list[str]:
    """The strings of ``folder`` without a translation in ``lang``."""
    template = extract(folder)
    catalog = load(po_path(folder, lang), lang)
    result = []
    for msg in template:
        if not msg.id:
            continue
        have = catalog.get(msg.id, context=msg.context)
        strings = have.string if have else None
        empty = not all(strings) if isinstance(strings, tuple | list) else not strings
        if have is None or empty or "fuzzy" in have.flags:
            result.append(msg.id if isinstance(msg.id, str) else msg.id[0])
    return result


def run(args) -> int:
    """The ``maillage i18n`` command."""
    found = components(args.components, Path(args.dir) if args.dir else None)
    if args.action == "extract":
        for name, folder in found.items():
            print(f"{name}: {write_template(folder)}")
        return 0
    if args.action == "update":
        for name, folder in found.items():
            print(f"{name}: {update(folder)} strings")
        return 0
    if args.action == "todo":
        for name, folder in found.items():
            for gap in missing(folder, "fr"):
                print(f"{name}: {gap}")
        return 0
    if args.action == "compile":
        problems = [f"{name} {p}" for name, folder in found.items() for p in compile_catalogs(folder)]
        for problem in problems:
            print(problem)
        if problems:
            raise CLIError(f"{len(problems)} problem(s) in the catalogs")
        print("catalogs compiled")
        return 0
    problems = 0
    for name, folder in found.items():
        for lang in LANGS:
            gaps = missing(folder, lang)
            if gaps:
                problems += len(gaps)
                print(f"{name} [{lang}]: {len(gaps)} untranslated: " + "; ".join(repr(g) for g in gaps[:5]))
    if problems:
        raise CLIError(f"{problems} string(s) untranslated: run `maillage i18n update`, then translate "
                       "the French catalogs")
    print("catalogs complete")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("i18n", help="extract, update, compile or check the French and English catalogs")
    p.add_argument("action", choices=["extract", "update", "compile", "check", "todo"])
    p.add_argument("components", nargs="*", help="core, a plugin's name or theme-NAME (default: all of them)")
    p.add_argument("--dir", help="the folder of a plugin's package (holding plugin.toml)")
    p.set_defaults(func=run)
