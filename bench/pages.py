"""The pages the suite measures, resolved against the generated data set.

Each page has the path on maillage and, when it has one, the path of its bare-stack
twin (bench/bare.py). Pages of plugins that are not installed or not enabled are left
out with a note.
"""

from __future__ import annotations

import httpx

from core.config import Instance
from core.db import configure, database
from core.models import Account, Activity


def resolve(base: str, host: str, auth: dict, token: str) -> list[dict]:
    configure(Instance.from_env().database_url)
    with database.connection_context():
        busy = (Activity.select(Activity.actor).where(Activity.site == "portail")
                .order_by(Activity.id.desc()).limit(1).scalar())
        busy = busy or Account.select(Account.entity).limit(1).scalar()
    pages = [
        {"name": "home (anonymous)", "path": "/", "bare": "/"},
        {"name": "my network (signed in)", "path": "/feed", "auth": True, "bare": "/feed"},
        {"name": "member profile and feed", "path": f"/members/{busy}", "bare": f"/members/{busy}"},
        {"name": "search", "path": "/search?q=jardin", "bare": "/search?q=jardin"},
        {"name": "post a status update", "path": "/wire/", "auth": True, "method": "POST",
         "body": f"csrf_token={token}&body=Bench+status&access=public"},
        {"name": "directory near me", "path": "/directory/?q=80000&radius=10"},
        {"name": "directory GeoJSON (bbox)", "path": "/directory/map.geojson?bbox=1.37,49.5,2.8,50.37&zoom=9"},
        {"name": "agenda month", "path": "/agenda/month"},
        {"name": "forum thread", "path": "/forums/"},
    ]
    kept = []
    client = httpx.Client(base_url=base, headers={"host": host})
    for page in pages:
        if page.get("method") == "POST":
            kept.append(page)
            continue
        headers = {"cookie": auth["cookie"]} if page.get("auth") else {}
        status = client.get(page["path"], headers=headers).status_code
        if status == 200:
            kept.append(page)
        else:
            print(f"skipped {page['name']}: {page['path']} answers {status} (plugin missing or disabled)")
    return kept
