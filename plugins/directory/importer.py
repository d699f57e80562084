"""Import a register (CSV) of organisations: column mapping, dedup on the legal identifier,
geocoding from coordinate columns or the gazetteer, dry run, rejected rows, re-runs update."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core import entities, gazetteer, inputs
from core.commands import each_site
from core.db import analyze, database
from core.models import Entity
from plugins.directory import cards, grid
from plugins.directory.models import Organisation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

KIND = "directory.organisation"
DEFAULT_MAPPING = {"name": "name", "legal_id": "legal_id", "acronym": "acronym",
                   "short_description": "short_description", "address": "address", "commune": "commune",
                   "postcode": "postcode", "lat": "lat", "lon": "lon", "email": "email", "phone": "phone",
                   "website": "website", "themes": "themes"}


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    rejected: list = field(default_factory=list)  # (line number, reason, row)


def _point(lat, lon) -> tuple[float | None, float | None]:
    """The row's point, or (None, None) when a coordinate is missing, not a number or out of range."""
    try:
        return inputs.coordinates(lat, lon)
    except inputs.InvalidInput:
        return None, None


def _url(value: str) -> str:
    """The row's website when it is an http(s) address, else "" (never a ``javascript:`` link)."""
    try:
        return inputs.url(value, maximum=300)
    except inputs.InvalidInput:
        return ""


def _email(value: str) -> str:
    try:
        return inputs.email(value, maximum=200)
    except inputs.InvalidInput:
        return ""


def read_rows(text: str):
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def import_rows(site: SiteRuntime, rows, mapping: dict | None = None, dry_run: bool = False, progress=None) -> Report:
    """Create or update cards from ``rows`` (dicts). ``mapping``: card field -> CSV column."""
    mapping = {**DEFAULT_MAPPING, **(mapping or {})}
    report = Report()
    id_name = (list(site.plugin_settings("directory").get("identifiers") or []) or ["legal_id"])[0]
    rows = list(rows)
    bulk = len(rows) > grid.BULK_CHANGES and not dry_run  # the map's grid: built again once, not card by card
    with database.atomic() as txn:
        if bulk:
            grid.invalidate(site)
        for number, row in enumerate(rows, start=2):
            def get(key, row=row):
                return inputs.clean_text(str(row.get(mapping.get(key, key)) or "")).strip()

            name = get("name")
            if not name:
                report.rejected.append((number, "no name", row))
            else:
                lat, lon = _point(get("lat"), get("lon"))
                commune, postcode = get("commune")[:200], get("postcode")[:10]
                if lat is None:
                    found = gazetteer.lookup(f"{commune} {postcode}".strip(), limit=1) if (commune or postcode) \
                        else []
                    lat, lon = (found[0].lat, found[0].lon) if found else (None, None)
                if lat is None:
                    report.rejected.append((number, "no coordinates and commune not found", row))
                else:
                    legal_id = get("legal_id")[:64] or None
                    themes = [t.strip() for t in get("themes").split("|") if t.strip()]
                    values = {"acronym": get("acronym")[:40], "short_description": get("short_description")[:300],
                              "address": get("address")[:300], "commune": commune, "postcode": postcode,
                              "lat": lat, "lon": lon, "email": _email(get("email")), "phone": get("phone")[:40],
                              "website": _url(get("website")), "legal_id": legal_id,
                              "identifiers": json.dumps({id_name: legal_id} if legal_id else {}),
                              "themes": f"|{'|'.join(themes)}|" if themes else ""}
                    existing = None
                    if legal_id:
                        existing = (Organisation.select(Organisation.entity)
                                    .join(Entity, on=(Organisation.entity == Entity.guid))
                                    .where(Organisation.legal_id == legal_id, Entity.site == site.id).first())
                    if existing:
                        report.updated += 1
                        if not dry_run:
                            Organisation.update(**values).where(
                                Organisation.entity == existing.entity_id).execute()
                            entities.update(site, Entity.get_by_id(existing.entity_id), title=name)
                    else:
                        report.created += 1
                        if not dry_run:
                            entity = entities.create(site, KIND, owner=None, title=name, access_level="public")
                            Organisation.create(entity=entity, claimed=False, **values)
            if progress:
                progress()
        if dry_run:
            txn.rollback()
    if not dry_run:
        analyze()
        cards.forget_aggregates(site)
        if bulk:
            grid.rebuild(site)
    return report


def rejected_csv(report: Report) -> str:
    out = io.StringIO()
    rows = report.rejected
    fields = ["line", "reason"] + (list(rows[0][2].keys()) if rows else [])
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for number, reason, row in rows:
        writer.writerow({"line": number, "reason": reason, **row})
    return out.getvalue()


def cli(args) -> int:
    """``maillage import-directory FILE.csv [--site S] [--dry-run] [--map field=column ...]``."""
    from rich.progress import Progress  # lazy: the progress bar's library, only for this command

    with open(args.file, encoding=args.encoding, newline="") as fh:
        rows = read_rows(fh.read())
    mapping = dict(m.split("=", 1) for m in (args.map or []))
    for site in each_site(args.site):
        if "directory" not in site.enabled_names:
            continue
        with Progress() as bar:
            task = bar.add_task(f"{site.id}: import", total=len(rows))
            report = import_rows(site, rows, mapping, dry_run=args.dry_run,
                                 progress=lambda task=task, bar=bar: bar.advance(task))
        print(f"{site.id}: {report.created} created, {report.updated} updated, {len(report.rejected)} rejected"
              + (" (dry run: nothing saved)" if args.dry_run else ""))
        if report.rejected:
            target = args.rejected or (args.file + ".rejected.csv")
            with open(target, "w", encoding="utf-8", newline="") as fh:
                fh.write(rejected_csv(report))
            print(f"rejected rows written to {target}")
    return 0
