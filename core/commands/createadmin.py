"""``maillage createadmin EMAIL``: create an administrator, or promote a member."""

from __future__ import annotations

from core.commands import context, site_arg


def run(args) -> int:
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


def add_parser(sub) -> None:
    p = sub.add_parser("createadmin", help="create an administrator (or promote a member)")
    p.add_argument("email")
    p.add_argument("--site")
    p.add_argument("--name")
    p.add_argument("--password")
    p.set_defaults(func=run)
