"""No dead links: both demo sites, crawled as a visitor, a member and an administrator, never link to
a page of their own that answers 404 (or fails with 500).

The crawl follows every internal ``href`` and ``src`` of each HTML page it reaches (GET only, nothing
submitted). Pages of one shape (``/blog/12`` and ``/blog/13``) are visited twice at most, so the crawl
stays short while reaching every kind of page the demo has.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from core import testing

PER_SHAPE = 2
MAX_PAGES = 600


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name) and tag in ("a", "link", "img", "script", "area"):
                self.found.append(attrs[name])


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def crawl(client, host: str) -> tuple[dict[str, list[str]], int]:
    """{broken url: [pages linking to it]} and the number of pages fetched."""
    base = f"http://{host}"
    queue, seen, shapes, broken, fetched = deque([("/", "(start)")]), {"/"}, {}, {}, 0
    while queue and fetched < MAX_PAGES:
        url, referrer = queue.popleft()
        response = client.get(url, follow_redirects=True)
        fetched += 1
        if response.status_code in (404, 500) or response.status_code >= 500:
            broken.setdefault(f"{url} -> {response.status_code}", []).append(referrer)
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        parser = Links()
        parser.feed(response.text)
        for link in parser.found:
            absolute, _fragment = urldefrag(urljoin(base + url, link))
            parts = urlsplit(absolute)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local in seen or local.startswith("/signout"):
                continue
            shape = _shape(local)
            if shapes.get(shape, 0) >= PER_SHAPE:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            seen.add(local)
            queue.append((local, url))
    return broken, fetched


@pytest.mark.parametrize("site_id", ["portail", "asso"])
@pytest.mark.parametrize("who", ["visitor", "member", "admin"])
def test_no_internal_link_is_dead(demo_app, demo_sign_in, site_id, who):
    host = demo_app.sites[site_id].hosts[0]
    with testing.client(demo_app, host=host) as client:
        demo_sign_in(client, who)
        broken, fetched = crawl(client, host)
    assert fetched > 20
    assert not broken, "dead links: " + "; ".join(f"{url} (linked from {refs[:3]})" for url, refs in broken.items())
