"""``maillage run``: check the configuration and the database, migrate once under a lock, serve."""

from __future__ import annotations

import os
import sys

from core.commands import CLIError


def run(args) -> int:
    """Check the configuration and the database, migrate once under a lock, then start the workers."""
    from core import keepalive, migrate, serve, startup
    from core.config import Instance, load_sites
    from core.db import database

    if args.trusted_proxies is not None:  # read by create_app in every worker process
        os.environ["MAILLAGE_TRUSTED_PROXIES"] = args.trusted_proxies
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
    if args.no_worker:
        os.environ["MAILLAGE_WORKER"] = "off"  # read by create_app in every worker process
    if args.workers > 1:  # /metrics adds up the figures of every worker
        import shutil

        folder = instance.home / "metrics"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
        os.environ.setdefault("MAILLAGE_KEEPALIVE_SECONDS", str(keepalive.DEFAULT_SECONDS))  # core.keepalive
    try:
        serve.serve(args.host, args.port, args.workers, args.access_log)
    except serve.ServeError as exc:
        raise CLIError(str(exc)) from None
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("run", help="serve every site")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=8000, help="port to listen on")
    p.add_argument("--workers", type=int, default=1, help="number of worker processes")
    p.add_argument("--no-migrate", action="store_true", help="do not apply pending migrations first")
    p.add_argument("--no-worker", action="store_true",
                   help="do not deliver mail and run jobs in the server's processes (run `maillage worker` apart)")
    p.add_argument("--access-log", action="store_true", help="log every request")
    p.add_argument("--trusted-proxies", "--forwarded-allow-ips", dest="trusted_proxies", default=None,
                   help="addresses or networks of the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto "
                        "are believed, separated by commas (default: MAILLAGE_TRUSTED_PROXIES, else none)")
    p.set_defaults(func=run)
