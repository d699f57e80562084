"""The ``maillage`` command line: one module per command (``core/commands/<command>.py``, each
with ``add_parser(sub)`` and the function it runs; a new core command is such a module plus its
name in ``core.cli.COMMANDS``), and what a command uses, the core's and a plugin's alike.

A plugin adds commands with the ``maillage_cli_commands`` hook. One that does a task on each site
where the plugin is enabled is one call::

    from core.commands import per_site

    per_site(subparsers, "close-polls", "close expired polls", "poll",
             lambda site, args: f"{polls.close_expired(site)} poll(s) closed")   # prints "<site>: 3 poll(s) closed"

Others loop themselves::

    from core.commands import CLIError, each_site

    def _remind(args):
        for site in each_site(args.site):      # a database connection is open meanwhile
            if "poll" in site.enabled_names:
                ...
        return 0

A command returns its exit code; :class:`CLIError` ends it with its message on one line.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator

EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """An argument parser that reports mistakes in one line."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


class CLIError(Exception):
    """A command cannot do what was asked; the message is printed as is."""


def context():
    """``(instance, sites, database)``: the instance settings, the site files and the configured
    database, for a command that needs them."""
    from core.config import Instance, load_sites
    from core.db import configure

    instance = Instance.from_env()
    sites = load_sites(instance.sites_dir)
    db = configure(instance.database_url)
    return instance, sites, db


def site_arg(sites: dict, wanted: str | None) -> str:
    """The id of the site a ``--site`` option names; without one, the only site there is.
    Raise :class:`CLIError` naming the sites when that is ambiguous or unknown."""
    if wanted is None:
        if len(sites) == 1:
            return next(iter(sites))
        raise CLIError(f"several sites exist ({', '.join(sites)}): choose one with --site")
    if wanted not in sites:
        raise CLIError(f"no site {wanted!r}; sites are: {', '.join(sites)}")
    return wanted


def each_site(site: str | None = None) -> Iterator:
    """Yield the :class:`core.runtime.SiteRuntime` of site ``site``, or of every site when it is
    None, with a database connection open while the caller works with each."""
    from core.db import database
    from core.runtime import build

    instance, sites, _db = context()
    targets = [site_arg(sites, site)] if site else list(sites)
    with database.connection_context():
        for site_id in targets:
            yield build(site_id, instance)


def per_site(subparsers, name: str, help: str, plugin: str, run: Callable) -> argparse.ArgumentParser:
    """Add the command ``name`` (with ``--site``) that calls ``run(site, args)`` on each site where ``plugin``
    is enabled, or on the one ``--site`` names, and prints ``<site id>: <what run returned>``. Returns the
    command's parser, for more arguments."""
    parser = subparsers.add_parser(name, help=help)
    parser.add_argument("--site", help="only this site")

    def command(args) -> int:
        for site in each_site(args.site):
            if plugin in site.enabled_names:
                print(f"{site.id}: {run(site, args)}")
        return 0

    parser.set_defaults(func=command)
    return parser
