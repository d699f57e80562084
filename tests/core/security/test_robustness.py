"""No route answers 5xx to hostile input, and every page is valid HTML5 (issue 19, points 12 and 13).

Both demo sites are generated; the routes are taken from each site's router (core routes and every
plugin's Mount). A crawl as administrator finds one real address per route (``/blog/12/fete``), so
the hostile values reach the code behind the ids. Then, as a visitor, a member and an administrator:

- every path parameter gets hostile values (beyond 64 bits, zero, NUL, invalid UTF-8, 5,000 chars);
- every page gets hostile values in the query parameters endpoints read (``before``, ``month``...);
- every POST form found on the pages is sent back with a hostile value in every field, and once with
  invalid UTF-8 bytes and repeated fields (wrong types);

and any answer of 500 or more fails the test, listing every request that failed. The corpus is
fixed (no randomness): a failure is reproduced by running the test again. Every HTML page reached
without hostile values is parsed by html5lib in strict mode, which raises on any parse error, and
checked for ids used twice (which no parser reports).
"""

from __future__ import annotations

import re
import time
from collections import deque
from html.parser import HTMLParser
from urllib.parse import quote, urldefrag, urljoin, urlsplit

import html5lib
import pytest
from starlette.routing import Mount, Route

from core import testing

MAX_PAGES = 250

BIG = ["9223372036854775808", "99999999999999999999", "-9223372036854775809"]
HOSTILE = BIG + ["-1", "0", "inf", "-inf", "NaN", "1e400", "9999-12-31", "9999-12", "0000-00-00",
                 "2024-13-45T99:99", "\x00", "a\x00b\x01\x1b\x7f\u0085", "x" * 5000, "ü" * 400,
                 "javascript:alert(1)", "<script>alert(1)</script>", "../../etc/passwd", "%", "' OR 1=1 --",
                 "[]", "{\"a\": 1}", " "]
FORM_HOSTILE = BIG + ["-1", "inf", "NaN", "1e400", "9999-12-31", "a\x00b\x1b", "x" * 5000, "javascript:alert(1)",
                      ""]
PATH_INT = ["9223372036854775808", "0"]
PATH_STR = ["%00%1B", "%FF%FE", "x" * 5000]
QUERY_NAMES = ["before", "after", "page", "version", "q", "month", "from", "to", "date", "lat", "lon", "km",
               "zoom", "bbox", "theme", "category", "tag", "reply", "quote", "kind", "which", "next", "lang",
               "folder", "container", "place", "token", "days", "id", "guid", "sort", "status", "joined", "role",
               "state", "view", "week", "year", "author", "group", "type"]
SKIP_ACTIONS = ("/signout",)
QUERY_ROUNDS = 3
FORM_ROUNDS = 2


def _pick(corpus: list[str], index: int, round_: int) -> str:
    """The value of the index-th name in a round: names get different values, each round shifts them,
    and long values are kept for the first names so addresses stay under 64 KB."""
    value = corpus[(index * 5 + round_ * 3) % len(corpus)]
    return value if len(value) < 100 or index < 3 else "x"


class Page(HTMLParser):
    """Links and POST forms (action, fields) of one HTML page."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower(),
                          "fields": [], "files": []}
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea", "button") and self._form is not None and attrs.get("name"):
            kind = (attrs.get("type") or "").lower()
            (self._form["files"] if kind == "file" else self._form["fields"]).append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def routes_of(router, prefix: str = "") -> list[Route]:
    """Every Route of a router, with the path of its Mounts: [(full path, route)]."""
    found = []
    for route in router.routes:
        if isinstance(route, Mount) and getattr(route, "routes", None):
            found += routes_of(route, prefix + route.path)
        elif isinstance(route, Route):
            found.append((prefix + route.path, route))
    return found


def crawl(client, host: str) -> list[str]:
    """Local addresses reachable from the home page (two of each shape), GET only."""
    base = f"http://{host}"
    queue, seen, shapes, found = deque(["/"]), {"/"}, {}, []
    while queue and len(found) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        found.append(url)
        if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        for link in _parse(response.text).links:
            absolute, _ = urldefrag(urljoin(base + url, link))
            parts = urlsplit(absolute)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local in seen or local.startswith(SKIP_ACTIONS):
                continue
            shape = _shape(parts.path)
            if shapes.get(shape, 0) >= 2:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            seen.add(local)
            queue.append(local)
    return found


def _fill(path_format: str, route: Route, values: dict) -> str:
    path = path_format
    for name in route.param_convertors:
        path = re.sub(r"\{" + name + r"(:[a-z]+)?\}", values[name], path)
    return path


def _client(app, host, who, sign_in):
    client = testing.client(app, host=host)
    client.__enter__()
    sign_in(client, who)
    return client


@pytest.fixture(scope="module")
def clients(demo_app, demo_sign_in):
    """{(site id, who): client}, the member and the administrator signed in before any hostile request
    (the visitor's wrong sign-ins throttle the test client's address)."""
    made = {(site_id, who): _client(demo_app, config.hosts[0], who, demo_sign_in)
            for site_id, config in demo_app.sites.items() for who in ("admin", "member", "visitor")}
    yield made
    for client in made.values():
        client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def examples(demo_app, clients):
    """{site id: (host, [(path format, route, real path or None)])}: a real address for each route."""
    result = {}
    for site_id, config in demo_app.sites.items():
        host = config.hosts[0]
        crawled = [urlsplit(u).path for u in crawl(clients[site_id, "admin"], host)]
        entries = []
        for path_format, route in routes_of(demo_app.runtime(site_id).app):
            if path_format.startswith(("/static", "/signout")):
                continue
            regex = re.compile("^" + re.sub(r"\{([a-z_]+)(:[a-z]+)?\}",
                                            lambda m: f"(?P<{m.group(1)}>{'[0-9]+' if m.group(2) == ':int' else '[^/]+'})",
                                            path_format) + "$")
            real = next((p for p in crawled if regex.match(p)), None)
            if real is None and not route.param_convertors:
                real = path_format
            entries.append((path_format, route, real, regex))
        result[site_id] = (host, entries)
    return result


@pytest.mark.parametrize("site_id", ["portail", "asso"])
def test_no_route_answers_5xx_to_hostile_input(demo_app, clients, examples, site_id):
    host, entries = examples[site_id]
    failures, sent = [], 0

    def check(client, method, url, who, **kwargs):
        nonlocal sent
        sent += 1
        response = client.request(method, url, **kwargs)
        if response.status_code >= 500:
            failures.append(f"{who} {method} {url[:120]!r} {str(kwargs.get('data') or kwargs.get('content') or '')[:80]!r}"
                            f" -> {response.status_code}")
        return response

    started = time.monotonic()
    for who in ("admin", "member", "visitor"):
        client = clients[site_id, who]
        forms_sent = set()  # a form found on many pages (a comment box, the footer's) is sent once
        token = testing.CSRF_RE.search(client.get("/signin" if who == "visitor" else "/account").text)
        csrf = token.group(1) if token else ""
        for path_format, route, real, regex in entries:
            methods = sorted((route.methods or {"GET"}) - {"HEAD"})
            # hostile path parameters, one parameter at a time, the others real
            real_values = regex.match(real).groupdict() if real else {}
            for name, convertor in route.param_convertors.items():
                corpus = PATH_INT if type(convertor).__name__ == "IntegerConvertor" else PATH_STR
                for value in corpus:
                    values = {n: real_values.get(n, "1") for n in route.param_convertors}
                    values[name] = value
                    url = _fill(path_format, route, values)
                    for method in methods:
                        check(client, method, url, who,
                              data={"csrf_token": csrf} if method == "POST" else None)
            if real is None or "GET" not in methods:
                continue
            # hostile query parameters on the real page
            for round_ in range(QUERY_ROUNDS):  # each name gets QUERY_ROUNDS values of the corpus
                query = "&".join(f"{n}={quote(_pick(HOSTILE, i, round_), safe='')}"
                                 for i, n in enumerate(QUERY_NAMES))
                check(client, "GET", f"{real}?{query}", who)
            check(client, "GET", f"{real}?before=%FF%FE&q=%C3%28&month=%80", who)  # invalid UTF-8
            # every POST form of the page, sent back with hostile values
            page = client.get(real)
            if page.status_code != 200 or "text/html" not in page.headers.get("content-type", ""):
                continue
            for form in _parse(page.text).forms:
                action = urljoin(real, form["action"] or real)
                if form["method"] != "post" or action.startswith(SKIP_ACTIONS) or "://" in form["action"]:
                    continue
                fields = [f for f in form["fields"] if f != "csrf_token"]
                key = (_shape(urlsplit(action).path), tuple(fields))
                if key in forms_sent:
                    continue
                forms_sent.add(key)
                for round_ in range(FORM_ROUNDS):
                    check(client, "POST", action, who,
                          data={"csrf_token": csrf, **{f: _pick(FORM_HOSTILE, i, round_)
                                                       for i, f in enumerate(fields)}},
                          files={f: ("x.bin", b"\x00\xff" * 10, "application/octet-stream")
                                 for f in form["files"]} or None)
                body = "&".join([f"csrf_token={csrf}"] + [f"{quote(f)}=%FF%FE%00" for f in fields]
                                + [f"{quote(f)}=1&{quote(f)}=2" for f in fields])
                check(client, "POST", action, who, content=body.encode(),
                      headers={"content-type": "application/x-www-form-urlencoded"})
    print(f"{site_id}: {sent} hostile requests in {time.monotonic() - started:.0f} s")
    assert sent > 500
    assert not failures, f"{len(failures)} of {sent} requests answered 5xx:\n" + "\n".join(failures[:80])


@pytest.mark.parametrize("site_id", ["portail", "asso"])
def test_every_page_parses_as_strict_html5(demo_app, clients, examples, site_id):
    host, entries = examples[site_id]
    errors, parsed = [], 0
    for who in ("visitor", "member", "admin"):
        client = clients[site_id, who]
        for url in sorted({real for _f, _r, real, _re in entries if real}):
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
                continue
            parsed += 1
            try:
                html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(response.text)
            except html5lib.html5parser.ParseError:
                errors.append(f"{who} {url}: {_where(response.text)}")
    assert parsed > 20
    assert not errors, f"{len(errors)} pages are not valid HTML5:\n" + "\n".join(errors[:60])


def _where(html: str) -> str:
    """The first error of a non-strict parse, with its position and the line it is on."""
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    parser.parse(html)
    (line, column), code, data = parser.errors[0]
    return f"{code} {data} at {line}:{column}: {html.splitlines()[line - 1][max(column - 80, 0):column + 40]!r}"
