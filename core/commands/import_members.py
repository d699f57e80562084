"""``maillage import-members FILE.csv``: import a member file (see docs/people.md)."""

from __future__ import annotations

from pathlib import Path

from core.commands import CLIError, context, site_arg


def run(args) -> int:
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


def add_parser(sub) -> None:
    p = sub.add_parser("import-members", help="import members from a CSV file")
    p.add_argument("file", help="CSV file (UTF-8; comma, semicolon or tab separated) with a header row")
    p.add_argument("--site", help="site identifier (required with several sites)")
    p.add_argument("--map", action="append", metavar="TARGET=COLUMN",
                   help="map a column to email, name, role or a profile field (default: same names)")
    p.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
    p.add_argument("--no-invite", action="store_true", help="create accounts without sending invitations")
    p.set_defaults(func=run)
