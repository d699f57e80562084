"""``maillage new-plugin NAME --dir PATH``: write a plugin as a pip package (see core/scaffold.py)."""

from __future__ import annotations

from pathlib import Path


def run(args) -> int:
    from core import scaffold

    created = scaffold.new_plugin(args.name, Path(args.dir))
    for path in created:
        print(f"created {path}")
    root = created[0].parent
    print(f"next: pip install -e {root}, restart maillage, then `maillage plugins enable {args.name}` "
          f"and `cd {root} && pytest`")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("new-plugin", help="write a plugin as a pip package, with its test")
    p.add_argument("name", help="plugin name: lowercase letters, digits and underscores (poll)")
    p.add_argument("--dir", default=".", help="folder to write the package's folder maillage_NAME in "
                                             "(default: the current folder)")
    p.set_defaults(func=run)
