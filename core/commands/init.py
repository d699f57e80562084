"""``maillage init``: the database, a site file if asked, an administrator per site (and demo content)."""

from __future__ import annotations

from core.commands import CLIError, context


def run(args) -> int:
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


_SITE_TEMPLATE = '''[site]
name = "{name}"
hosts = ["{host}"]
language = "fr"
theme = "default"
plugins = []
registration = "open"
'''


def add_parser(sub) -> None:
    p = sub.add_parser("init", help="create the database, a site file if asked, and an administrator")
    p.add_argument("--site", help="identifier of a new site file to write in sites/")
    p.add_argument("--name", help="name of the new site")
    p.add_argument("--host", default="localhost", help="host name of the new site")
    p.add_argument("--email", default="admin@example.org", help="administrator's e-mail address")
    p.add_argument("--password", help="administrator's password (default: generated and printed)")
    p.add_argument("--demo", action="store_true", help="fill the sites with demonstration content")
    p.add_argument("--port", type=int, default=8000, help="port printed in the address")
    p.set_defaults(func=run)
