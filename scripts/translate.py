#!/usr/bin/env python3
"""Fill French translations into a component's catalog from a Python dict file.

    python scripts/translate.py COMPONENT FILE.py    (FILE defines T = {"English": "Français", ...})

Only empty or fuzzy entries are filled; existing translations are kept.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).parent))
from i18n import components, po_path  # noqa: E402


def main(component: str, source: str) -> int:
    table = runpy.run_path(source)["T"]
    path = po_path(components()[component], "fr")
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    filled = 0
    for msg in catalog:
        key = msg.id if isinstance(msg.id, str) else msg.id[0]
        empty = not all(msg.string) if isinstance(msg.string, tuple | list) else not msg.string
        if key in table and (empty or "fuzzy" in msg.flags):
            value = table[key]
            msg.string = tuple(value) if isinstance(msg.id, tuple | list) else value
            msg.flags.discard("fuzzy")
            filled += 1
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True)
    print(f"{component}: {filled} French translations filled")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
