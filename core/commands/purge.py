"""``maillage purge``: empty the trash of old items, forget old rate-limit counters, expired
sessions, outbox messages and finished jobs."""

from __future__ import annotations

from core.commands import each_site


def run(args) -> int:
    from core import moderation

    for site in each_site(args.site):
        removed = moderation.purge(site, args.days)
        print(f"{site.id}: {removed} item(s) removed from the trash for good")
    from core import jobs, mail, ratelimit, sessions
    from core.db import database

    with database.connection_context():
        print(f"{ratelimit.purge()} expired rate-limit counter(s) removed")
        print(f"{sessions.purge()} expired session(s) removed")
        print(f"{mail.purge()} message(s) older than {mail.KEEP_SENT_DAYS} days removed from the outbox, "
              f"{jobs.purge()} finished job(s) forgotten")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("purge", help="empty the trash of what is older than the site's trash period")
    p.add_argument("--site", help="only this site")
    p.add_argument("--days", type=int, help="override the site's trash period (days)")
    p.set_defaults(func=run)
