"""Reading a shared page's title and description (Open Graph, ``<title>``), safely.

Only when the site allows outgoing requests (setting ``fetch_metadata``, off by default), and
always from the worker (a job), never while a member waits. The guard:

- http(s) only, checked again on every redirect (3 at most);
- the host name is resolved once and *every* address must be public (no loopback, private,
  link-local, carrier-grade NAT, multicast or reserved address, IPv4-mapped ones included); the
  connection then goes to the checked address itself, so a second DNS answer cannot point
  elsewhere (DNS rebinding);
- 5 seconds in all, 512 KB read at most, HTML only.

``allow_private`` lifts the address check, for every host (``True``) or for the ``"host:port"``
pairs of a set; only the tests pass it (a local HTTP server is the only server a test may reach),
the job never does. The page is parsed with the standard library's
:class:`html.parser.HTMLParser`.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from core import inputs

TIMEOUT = 5.0
MAX_BYTES = 512 * 1024
MAX_REDIRECTS = 3
USER_AGENT = "maillage-veille/1.0 (link preview)"
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", re.I)


class Refused(Exception):
    """The page was not read: a forbidden address, a wrong answer, too slow or not HTML."""


@dataclass
class Metadata:
    title: str = ""
    description: str = ""
    site_name: str = ""


def public_address(ip: str) -> bool:
    """True for an address on the public internet (IPv4-mapped IPv6 read as IPv4)."""
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_private
                                      or address.is_loopback or address.is_link_local)


def resolve(host: str, port: int, allow_private=False) -> str:
    """The address to connect to for ``host``; Refused when any of its addresses is not public
    (unless ``allow_private`` is True or holds ``"host:port"``)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Refused(f"cannot resolve {host}") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise Refused(f"no address for {host}")
    allowed = allow_private is True or (not isinstance(allow_private, bool) and f"{host}:{port}" in allow_private)
    if not allowed and not all(public_address(a) for a in addresses):
        raise Refused(f"{host} has a private address")
    return addresses[0]


class _Pinned(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand (the Host header keeps the name)."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked against the host name."""

    def __init__(self, host, port, address, timeout):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def download(url: str, allow_private=False) -> tuple[str, bytes]:
    """The (content type, first :data:`MAX_BYTES` bytes) of the HTML page at ``url``."""
    deadline = time.monotonic() + TIMEOUT
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            url = inputs.url(url, required=True)
        except inputs.InvalidInput as exc:
            raise Refused("not an http(s) address") from exc
        parts = urlsplit(url)
        https = parts.scheme.lower() == "https"
        try:
            port = parts.port or (443 if https else 80)
        except ValueError as exc:
            raise Refused("bad port") from exc
        address = resolve(parts.hostname, port, allow_private)
        left = deadline - time.monotonic()
        if left <= 0:
            raise Refused("too slow")
        conn = (_PinnedTLS if https else _Pinned)(parts.hostname, port, address, left)
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml",
                                               "Accept-Encoding": "identity"})
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location") or ""
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise Refused(f"answered {response.status}")
            content_type = response.getheader("Content-Type") or ""
            if "html" not in content_type.lower():
                raise Refused("not an HTML page")
            chunks, size = [], 0
            while size < MAX_BYTES:
                if time.monotonic() > deadline:
                    raise Refused("too slow")
                chunk = response.read(min(16384, MAX_BYTES - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            return content_type, b"".join(chunks)
        except (OSError, http.client.HTTPException) as exc:
            raise Refused(f"{type(exc).__name__}: {exc}") from exc
        finally:
            conn.close()
    raise Refused("too many redirects")


class MetaParser(HTMLParser):
    """Collects ``<title>`` and the Open Graph / description ``<meta>`` of a page's head."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.in_title = False
        self.done = False

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == "body":
            self.done = True
        elif tag == "title":
            self.in_title = True
        elif tag == "meta":
            attrs = {k.lower(): (v or "") for k, v in attrs}
            name = (attrs.get("property") or attrs.get("name") or "").lower()
            if name in ("og:title", "og:description", "og:site_name", "twitter:title", "twitter:description",
                        "description") and name not in self.meta:
                self.meta[name] = attrs.get("content", "")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data):
        if self.in_title and not self.done:
            self.title_parts.append(data)


def _tidy(value: str, limit: int) -> str:
    return " ".join(inputs.clean_text(value or "").split())[:limit]


def parse(html: str) -> Metadata:
    """The title, description and site name a page declares (Open Graph first, then ``<title>``
    and ``<meta name="description">``)."""
    parser = MetaParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - a broken page gives what was read before the break
        pass
    meta = parser.meta
    return Metadata(
        title=_tidy(meta.get("og:title") or meta.get("twitter:title") or "".join(parser.title_parts), 200),
        description=_tidy(meta.get("og:description") or meta.get("twitter:description")
                          or meta.get("description") or "", 1000),
        site_name=_tidy(meta.get("og:site_name") or "", 200))


def decode(content_type: str, data: bytes) -> str:
    """The page's text, in the charset its header or its ``<meta charset>`` gives (UTF-8 otherwise)."""
    charset = ""
    match = re.search(r"charset=([A-Za-z0-9_\-]+)", content_type or "", re.I)
    if match:
        charset = match.group(1)
    else:
        found = _CHARSET.search(data[:4096])
        charset = found.group(1).decode("ascii") if found else ""
    try:
        return data.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def metadata(url: str, allow_private=False) -> Metadata:
    """Read the page at ``url`` and return its metadata; Refused when the guard stops it."""
    content_type, data = download(url, allow_private)
    return parse(decode(content_type, data))
