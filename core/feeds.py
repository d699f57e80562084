"""Atom feeds (with feedgen): the site's, a member's or an organisation's, a container's, a plugin's.

A plugin answers a feed URL with::

    return feeds.atom_response(request, title, self_url, entries)

where each entry is a dict: ``id`` (a stable tag or URL), ``title``, ``url``,
``updated`` (naive UTC datetime), ``summary`` (HTML, already cleaned) and ``author``.
Pages link to their feed with ``{{ atom_link(url, title) }}`` in ``{% block head %}``.
"""

from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator
from markupsafe import Markup, escape
from starlette.responses import Response


def absolute(request, path: str) -> str:
    """An absolute URL on the request's site, from its canonical address (:func:`core.urls.absolute`)."""
    from core import urls
    from core.web import site_of

    return urls.absolute(site_of(request), path, request)


def atom_response(request, title: str, self_url: str, entries: list[dict], subtitle: str = "") -> Response:
    """A valid Atom 1.0 document for ``entries`` (newest first)."""
    from core.web import site_of

    site = site_of(request)
    fg = FeedGenerator()
    fg.id(absolute(request, self_url))
    fg.title(title)
    fg.subtitle(subtitle or site.name)
    fg.link(href=absolute(request, self_url), rel="self", type="application/atom+xml")
    fg.link(href=absolute(request, "/"), rel="alternate", type="text/html")
    fg.language(getattr(request.state, "lang", site.config.language))
    fg.generator("maillage")
    newest = None
    for entry in reversed(entries):  # feedgen prepends: add oldest first
        updated = entry["updated"].replace(tzinfo=dt.UTC)
        newest = max(newest or updated, updated)
        fe = fg.add_entry()
        fe.id(entry.get("id") or absolute(request, entry["url"]))
        fe.title(entry["title"] or "—")
        fe.link(href=absolute(request, entry["url"]), rel="alternate", type="text/html")
        fe.updated(updated)
        fe.published(entry.get("published", entry["updated"]).replace(tzinfo=dt.UTC))
        if entry.get("author"):
            fe.author(name=entry["author"])
        if entry.get("summary"):
            fe.summary(str(entry["summary"]), type="html")
    fg.updated(newest or dt.datetime.now(dt.UTC))
    if not entries:
        fg.author(name=site.name)
    return Response(fg.atom_str(pretty=True), media_type="application/atom+xml; charset=utf-8")


def atom_link(url: str, title: str) -> Markup:
    """The ``<link rel="alternate">`` that lets browsers and readers find a page's feed."""
    return Markup('<link rel="alternate" type="application/atom+xml" href="{}" title="{}">').format(
        escape(url), escape(title))
