"""``maillage check``: every problem of the configuration, found before serving."""

from __future__ import annotations

import sys

from core.commands import CLIError


def run(args) -> int:
    from core import checks

    problems, notes = checks.run()
    for note in notes:
        print(f"ok: {note}")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if problems:
        raise CLIError(f"{len(problems)} problem(s) found")
    print("configuration and plugins are valid")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("check", help="validate the configuration and plugins")
    p.set_defaults(func=run)
