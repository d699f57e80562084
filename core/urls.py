"""The site's canonical address, for every absolute link: in mail, feeds, exports and calendars.

A site's ``base_url`` setting (``[settings] base_url = "https://asso.example.org"`` in its file, or
*Administration > Settings*) is its canonical address; ``maillage init --demo`` sets it to the
address the demo is served on. Without it, links use the address the request came to, and outside a
request (digests sent by a command) ``http://`` and the site's first host name::

    from core import urls

    link = urls.absolute(site, f"/blog/{guid}", request)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def base_url(site: SiteRuntime, request=None) -> str:
    """The site's address without the final slash (see the module's documentation)."""
    configured = (site.settings.get("base_url") or "").strip()
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return f"{request.url.scheme}://{request.headers.get('host', site.config.hosts[0])}"
    return f"http://{site.config.hosts[0]}"


def absolute(site: SiteRuntime, path: str, request=None) -> str:
    """``path`` (a local path such as ``/agenda/12``) as an absolute URL on the site; full URLs are kept."""
    if path.startswith(("http://", "https://")):
        return path
    return base_url(site, request) + path
