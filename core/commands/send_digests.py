"""``maillage send-digests``: the daily (and, on Mondays, weekly) notification digests."""

from __future__ import annotations

from core.commands import each_site


def run(args) -> int:
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
                  f"{counts['items']} item(s) (in the outbox)")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("send-digests", help="send the daily (and, on Mondays, weekly) notification digests")
    p.add_argument("--site", help="only this site")
    p.add_argument("--period", choices=("daily", "weekly"), help="only this period")
    p.set_defaults(func=run)
