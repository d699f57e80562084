"""``maillage worker``: deliver the mail outbox and run queued jobs, apart from ``run``."""

from __future__ import annotations


def run(args) -> int:
    import signal

    from core import logs
    from core.app import Maillage
    from core.config import Instance
    from core.worker import Worker

    instance = Instance.from_env()
    logs.setup(instance.debug)
    worker = Worker(Maillage(instance, run_migrations=False))
    if args.once:
        print(f"{worker.drain()} message(s) and job(s) handled")
        return 0
    signal.signal(signal.SIGTERM, lambda *_: worker.stop(wait=0))
    print("worker started: delivering mail and running jobs (Ctrl-C to stop)", flush=True)
    try:
        worker.run_forever()
    except KeyboardInterrupt:
        worker.stop(wait=0)
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("worker", help="deliver the mail outbox and run queued jobs (apart from `run`)")
    p.add_argument("--once", action="store_true", help="handle what is due, then exit")
    p.set_defaults(func=run)
