"""The ``maillage`` command line: the commands of ``core/commands/`` and those of installed plugins.

Every problem ends with one clear line on standard error and a non-zero exit
code, never a traceback (set MAILLAGE_DEBUG=1 to see one).
"""

from __future__ import annotations

import importlib
import os
import sys

from core import __version__, plugins
from core.accounts import AccountError
from core.commands import EXIT_USAGE, CLIError, Parser
from core.db import ConfigurationError
from core.plugins import PluginRuleError

EXIT_ERROR = 1

# the modules of core/commands/, in the order ``maillage --help`` lists them
COMMANDS = ("init", "run", "worker", "backup", "migrate", "sites", "plugins", "createadmin", "check", "new_plugin",
            "i18n", "demo", "import_members", "send_digests", "purge")


def build_parser() -> Parser:
    parser = Parser(prog="maillage", description="A social network framework for associations and territories.")
    parser.add_argument("--version", action="version", version=f"maillage {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS:
        importlib.import_module(f"core.commands.{name}").add_parser(sub)
    _plugin_commands(sub)
    return parser


def _plugin_commands(sub) -> None:
    """Let installed plugins add their commands (``maillage_cli_commands``); a broken plugin
    is reported and left out, so the command line stays usable to disable it."""
    def warn(name: str, message: str) -> None:
        print(f"maillage: warning: plugin {name}: {message}", file=sys.stderr)

    installed = [(info.name, info.module) for info in plugins.ordered(plugins.discover().values())
                 if info.module is not None]
    plugins.manager(installed, report=warn, refuse=warn).hook.maillage_cli_commands(subparsers=sub)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``maillage`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args) or 0
    except (CLIError, ConfigurationError, PluginRuleError, AccountError) as exc:
        print(f"maillage: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("maillage: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("MAILLAGE_DEBUG"):
            raise
        print(f"maillage: error: {type(exc).__name__}: {exc} (set MAILLAGE_DEBUG=1 for details)",
              file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
