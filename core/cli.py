"""The ``maillage`` command line.

Every problem ends with one clear line on standard error and a non-zero exit
code, never a traceback (set MAILLAGE_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from core import __version__
from core.commands import CLIError, context, each_site, i18n, site_arg

EXIT_ERROR = 1
EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """An argument parser that reports mistakes in one line."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


# --- commands ---------------------------------------------------------------------------


def cmd_migrate(args) -> int:
    from core import startup

    _instance, sites, db = context()
    done, created = startup.prepare(db, sites)
    for name in done:
        print(f"applied {name}")
    for site_id in created:
        print(f"created site {site_id}")
    if not done and not created:
        print("database is up to date")
    return 0


def cmd_init(args) -> int:
    from core import accounts, startup
    from core.config import Instance
    from core.db import database

    instance = Instance.from_env()
    instance.sites_dir.mkdir(parents=True, exist_ok=True)
    if args.site:
        path = instance.sites_dir / f"{args.site}.toml"
        if path.exists():
            raise CLIError(f"{path} already exists")
        path.write_text(_SITE_TEMPLATE.format(name=args.name or args.site, host=args.host), encoding="utf-8")
        print(f"wrote {path}")
    instance, sites, db = context()
    from core.models import Account

    site_id = args.site or _default_site(sites)
    # --demo: every site gets an administrator (accounts belong to one site), each printed below
    chosen = [site_id] + ([sid for sid in sorted(sites) if sid != site_id] if args.demo else [])
    admins = {}
    startup.prepare(db, sites)
    with database.connection_context():
        for sid in chosen:
            if Account.get_or_none(Account.site == sid, Account.email == args.email) is None:
                password = args.password or accounts.generate_password()
                accounts.create_account(sid, args.email, _admin_name(sites[sid].language), password,
                                        role="admin")
                admins[sid] = password
            else:
                admins[sid] = None
        if args.demo:
            from core import demo
            from core.sites import save_settings

            for sid in sites:
                demo.generate(sid, "small")
                # links in the demo's mail, feeds and exports point at the address it is served on
                save_settings(sid, {"base_url": f"http://{sites[sid].hosts[0]}:{args.port}"})
    for sid in chosen:
        host = sites[sid].hosts[0]
        print(f"site {sid} is ready: http://{host}:{args.port}/")
        if admins[sid] is not None:
            print(f"  administrator: {args.email}  password: {admins[sid]}")
        else:
            print(f"  administrator {args.email} already exists (password unchanged)")
    return 0


def _admin_name(language: str) -> str:
    """The administrator's display name in the site's language (mail says "<name> invites you")."""
    from pathlib import Path

    from core import i18n

    catalog = i18n.load_catalog((Path(i18n.__file__).parent / "locale",), language)
    return catalog.gettext("Administrator")


def _default_site(sites: dict) -> str:
    return next(iter(sorted(sites, key=lambda s: (s != "portail", s))))


def cmd_run(args) -> int:
    """Check the configuration and the database, migrate once under a lock, then start the workers."""
    from core import migrate, serve, startup
    from core.config import Instance, load_sites
    from core.db import database

    instance = Instance.from_env()  # fail early on bad configuration, and create the secret once
    sites = load_sites(instance.sites_dir)
    problems = startup.configuration_problems(instance, sites)
    if problems:
        raise CLIError("; ".join(problems))
    db = startup.connect(instance.database_url)
    done, created = startup.prepare(db, sites, apply_migrations=not args.no_migrate)
    for name in done:
        print(f"applied {name}")
    for site_id in created:
        print(f"created site {site_id}")
    if args.no_migrate:
        with database.connection_context():
            waiting = migrate.pending(db)
        if waiting:
            print(f"maillage: warning: {len(waiting)} migration(s) pending (/healthz answers 503 until "
                  "`maillage migrate`)", file=sys.stderr)
    db.close_all() if hasattr(db, "close_all") else db.close()
    startup.mark_prepared()
    if args.workers > 1:  # /metrics adds up the figures of every worker
        import shutil

        folder = instance.home / "metrics"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    try:
        serve.serve(args.host, args.port, args.workers, args.forwarded_allow_ips, args.access_log)
    except serve.ServeError as exc:
        raise CLIError(str(exc)) from None
    return 0


def cmd_backup(args) -> int:
    import datetime as dt

    from core import backup
    from core.config import Instance

    instance = Instance.from_env()
    target = Path(args.file or f"maillage-backup-{dt.datetime.now():%Y%m%d-%H%M%S}.tar.gz")
    manifest = backup.backup(instance, target)
    media = sum(1 for name in manifest["files"] if name.startswith("media/"))
    print(f"wrote {target}: {manifest['database']} database ({len(manifest['migrations'])} migrations), "
          f"{media} media file(s), maillage {manifest['maillage_version']}")
    return 0


def cmd_restore(args) -> int:
    from core import backup
    from core.config import Instance

    instance = Instance.from_env(secret="not-needed-to-restore")  # never write a new secret.key first
    manifest = backup.restore(instance, Path(args.file))
    media = sum(1 for name in manifest["files"] if name.startswith("media/"))
    print(f"restored {args.file} (made {manifest['created'][:19]} by maillage {manifest['maillage_version']}): "
          f"{manifest['database']} database, {media} media file(s) into {instance.home}")
    print("next: `maillage migrate`, then start the server")
    return 0


def cmd_sites_list(args) -> int:
    _instance, sites, _db = context()
    for site in sites.values():
        print(f"{site.id}\t{site.name}\t{', '.join(site.hosts)}\ttheme={site.theme}")
    return 0


def cmd_plugins_list(args) -> int:
    from core import plugins

    enabled: set[str] = set()
    if args.site:
        from core.db import database
        from core.models import Site

        _instance, sites, _db = context()
        site_id = site_arg(sites, args.site)
        with database.connection_context():
            row = Site.get_or_none(Site.id == site_id)
            if row is None:
                raise CLIError(f"site {site_id} is not in the database yet: run `maillage migrate`")
            enabled = set(row.plugins or [])
    for info in plugins.ordered(plugins.discover().values()):
        state = "broken: " + info.error if info.error else ("enabled" if info.name in enabled else
                                                               ("disabled" if args.site else "installed"))
        requires = f" requires {', '.join(info.requires)}" if info.requires else ""
        print(f"{info.name}\t{info.version}\t{state}{requires}\t{info.source}")
    return 0


def _plugins_change(args, action: str) -> int:
    from core import sites as sites_mod
    from core.db import database

    _instance, sites, _db = context()
    site_id = site_arg(sites, args.site)
    with database.connection_context():
        if action == "enable":
            sites_mod.enable_plugin(site_id, args.name)
        else:
            sites_mod.disable_plugin(site_id, args.name)
    print(f"plugin {args.name} {action}d on {site_id}")
    return 0


def cmd_createadmin(args) -> int:
    from core import accounts
    from core.db import database
    from core.models import Account

    _instance, sites, _db = context()
    site_id = site_arg(sites, args.site)
    password = args.password or accounts.generate_password()
    with database.connection_context():
        email = accounts.normalise_email(args.email)
        existing = Account.get_or_none(Account.site == site_id, Account.email == email)
        if existing is not None:
            existing.role = "admin"
            existing.state = "active"
            existing.save()
            print(f"{email} is now an administrator of {site_id}")
            return 0
        accounts.create_account(site_id, email, args.name or "Administrator", password, role="admin")
    print(f"administrator of {site_id}: {email}  password: {password}")
    return 0


def cmd_check(args) -> int:
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


def cmd_new_plugin(args) -> int:
    from core import scaffold

    created = scaffold.new_plugin(args.name, Path(args.dir))
    for path in created:
        print(f"created {path}")
    root = created[0].parent
    print(f"next: pip install -e {root}, restart maillage, then `maillage plugins enable {args.name}` "
          f"and `cd {root} && pytest`")
    return 0


def cmd_demo(args) -> int:
    from core import demo
    from core.db import database

    _instance, sites, _db = context()
    targets = [site_arg(sites, args.site)] if args.site else list(sites)
    with database.connection_context():
        for site_id in targets:
            demo.generate(site_id, args.scale, seed=args.seed)
    return 0


def cmd_import_members(args) -> int:
    from rich.progress import Progress

    from core import member_import
    from core.db import database
    from core.runtime import build

    instance, sites, _db = context()
    site_id = site_arg(sites, args.site)
    path = Path(args.file)
    if not path.is_file():
        raise CLIError(f"{path} does not exist")
    try:
        header, rows = member_import.read_csv(path.read_bytes())
    except (UnicodeDecodeError, member_import.ImportError_) as exc:
        raise CLIError(f"{path.name} cannot be read as a UTF-8 CSV file: {exc}") from None
    with database.connection_context():
        site = build(site_id, instance)
        mapping = member_import.default_mapping(site, header)
        for item in args.map or []:
            target, _sep, column = item.partition("=")
            if target not in member_import.targets(site):
                raise CLIError(f"--map {item}: {target!r} is not one of {', '.join(member_import.targets(site))}")
            if column not in header:
                raise CLIError(f"--map {item}: the file has no column {column!r} (columns: {', '.join(header)})")
            mapping[target] = column
        if "email" not in mapping:
            raise CLIError(f"no column for e-mail addresses: add --map email=COLUMN (columns: {', '.join(header)})")
        with Progress(transient=True) as progress:
            task = progress.add_task("importing", total=len(rows))
            report = member_import.run(site, rows, mapping, dry_run=args.dry_run, invite=not args.no_invite,
                                       progress=lambda: progress.advance(task))
    prefix = "dry run: would have " if args.dry_run else ""
    print(f"{prefix}created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
          f"invited {report.invited}, rejected {len(report.rejected)}")
    for line, reason in report.rejected:
        print(f"line {line}: {reason}")
    return 0


def cmd_send_digests(args) -> int:
    from core import notifications

    periods = [args.period] if args.period else ["daily", "weekly"]
    if not args.period:
        import datetime as dt

        periods = ["daily"] + (["weekly"] if dt.date.today().isoweekday() == 1 else [])
    for site in each_site(args.site):
        for period in periods:
            counts = notifications.send_digests(site, period)
            if counts.get("busy"):
                print(f"{site.id}: another send-digests run is sending the {period} digests; nothing sent")
                continue
            print(f"{site.id}: {period} digests sent to {counts['members']} member(s), "
                  f"{counts['items']} item(s), {counts['failed']} failed")
            if counts["failed"]:
                raise CLIError(f"{counts['failed']} digest(s) could not be sent; run the command again later")
    return 0


def cmd_purge(args) -> int:
    from core import moderation

    for site in each_site(args.site):
        removed = moderation.purge(site, args.days)
        print(f"{site.id}: {removed} item(s) removed from the trash for good")
    from core import ratelimit
    from core.db import database

    with database.connection_context():
        print(f"{ratelimit.purge()} expired rate-limit counter(s) removed")
    return 0


_SITE_TEMPLATE = '''[site]
name = "{name}"
hosts = ["{host}"]
language = "fr"
theme = "default"
plugins = []
registration = "open"
'''


def build_parser() -> Parser:
    parser = Parser(prog="maillage", description="A social network framework for associations and territories.")
    parser.add_argument("--version", action="version", version=f"maillage {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    p = sub.add_parser("init", help="create the database, a site file if asked, and an administrator")
    p.add_argument("--site", help="identifier of a new site file to write in sites/")
    p.add_argument("--name", help="name of the new site")
    p.add_argument("--host", default="localhost", help="host name of the new site")
    p.add_argument("--email", default="admin@example.org", help="administrator's e-mail address")
    p.add_argument("--password", help="administrator's password (default: generated and printed)")
    p.add_argument("--demo", action="store_true", help="fill the sites with demonstration content")
    p.add_argument("--port", type=int, default=8000, help="port printed in the address")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("run", help="serve every site")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=8000, help="port to listen on")
    p.add_argument("--workers", type=int, default=1, help="number of worker processes")
    p.add_argument("--no-migrate", action="store_true", help="do not apply pending migrations first")
    p.add_argument("--access-log", action="store_true", help="log every request")
    p.add_argument("--forwarded-allow-ips", default="127.0.0.1", help="proxies trusted for X-Forwarded-*")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("backup", help="write one archive: database snapshot, media, manifest (site keeps running)")
    p.add_argument("file", nargs="?", help="archive to write (default: maillage-backup-DATE-TIME.tar.gz)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore an archive of `maillage backup` into an empty data folder and database")
    p.add_argument("file", help="the archive")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("migrate", help="apply pending database migrations of the core and plugins")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("sites", help="site files")
    ssub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser, required=True)
    ssub.add_parser("list", help="list configured sites").set_defaults(func=cmd_sites_list)

    p = sub.add_parser("plugins", help="installed plugins and what each site enables")
    psub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser, required=True)
    q = psub.add_parser("list", help="list installed plugins")
    q.add_argument("--site", help="show which are enabled on this site")
    q.set_defaults(func=cmd_plugins_list)
    for action in ("enable", "disable"):
        q = psub.add_parser(action, help=f"{action} a plugin on a site")
        q.add_argument("name", help="plugin name")
        q.add_argument("--site", help="site identifier (required with several sites)")
        q.set_defaults(func=lambda a, action=action: _plugins_change(a, action))

    p = sub.add_parser("createadmin", help="create an administrator (or promote a member)")
    p.add_argument("email")
    p.add_argument("--site")
    p.add_argument("--name")
    p.add_argument("--password")
    p.set_defaults(func=cmd_createadmin)

    p = sub.add_parser("check", help="validate the configuration and plugins")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("new-plugin", help="write a plugin as a pip package, with its test")
    p.add_argument("name", help="plugin name: lowercase letters, digits and underscores (poll)")
    p.add_argument("--dir", default=".", help="folder to write the package's folder maillage_NAME in "
                                             "(default: the current folder)")
    p.set_defaults(func=cmd_new_plugin)

    i18n.add_parser(sub)

    p = sub.add_parser("demo", help="generate reproducible demonstration data")
    p.add_argument("--scale", choices=("small", "region"), default="small")
    p.add_argument("--site")
    p.add_argument("--seed", type=int, default=42)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import-members", help="import members from a CSV file")
    p.add_argument("file", help="CSV file (UTF-8; comma, semicolon or tab separated) with a header row")
    p.add_argument("--site", help="site identifier (required with several sites)")
    p.add_argument("--map", action="append", metavar="TARGET=COLUMN",
                   help="map a column to email, name, role or a profile field (default: same names)")
    p.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
    p.add_argument("--no-invite", action="store_true", help="create accounts without sending invitations")
    p.set_defaults(func=cmd_import_members)

    p = sub.add_parser("send-digests", help="send the daily (and, on Mondays, weekly) notification digests")
    p.add_argument("--site", help="only this site")
    p.add_argument("--period", choices=("daily", "weekly"), help="only this period")
    p.set_defaults(func=cmd_send_digests)

    p = sub.add_parser("purge", help="empty the trash of what is older than the site's trash period")
    p.add_argument("--site", help="only this site")
    p.add_argument("--days", type=int, help="override the site's trash period (days)")
    p.set_defaults(func=cmd_purge)

    _plugin_commands(sub)
    return parser


def _plugin_commands(sub) -> None:
    """Let installed plugins add their commands (``maillage_cli_commands``); a broken plugin
    is reported and left out, so the command line stays usable to disable it."""
    from core import plugins

    def warn(name: str, message: str) -> None:
        print(f"maillage: warning: plugin {name}: {message}", file=sys.stderr)

    installed = [(info.name, info.module) for info in plugins.ordered(plugins.discover().values())
                 if info.module is not None]
    plugins.manager(installed, report=warn, refuse=warn).hook.maillage_cli_commands(subparsers=sub)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``maillage`` console script."""
    from core.accounts import AccountError
    from core.db import ConfigurationError
    from core.plugins import PluginRuleError

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
