"""What other plugins may use of the documents plugin (its only public module).

A plugin that takes files (the messages plugin's attachments, for one) stores them through
the documents plugin's safe upload path: type sniffed from the content, size limits and the
owner's quota, images stripped of their metadata. It serves them back through the same
download code (ranges, safe headers) after its own access check. Check :func:`enabled`
first: without the documents plugin on the site, there is no upload path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import web
from plugins.documents import files, library
from plugins.documents.library import Stored
from plugins.documents.serving import serve

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

__all__ = ["Refused", "Stored", "enabled", "serve_file", "store_file"]


class Refused(ValueError):
    """The file is refused; the text says why, for the member."""


def enabled(site: SiteRuntime) -> bool:
    """Whether the documents plugin is on for ``site``."""
    return "documents" in site.enabled_names


def store_file(site: SiteRuntime, owner_guid: int, upload) -> Stored | None:
    """Check and store an uploaded file, counted in ``owner_guid``'s storage.

    None when there is no file (an empty file input) or the plugin is off; raises
    :class:`Refused` when the file is not accepted."""
    if upload is None or not getattr(upload, "filename", "") or not enabled(site):
        return None
    if library.upload_size(upload) == 0:
        return None
    try:
        return library.store_upload(site, owner_guid, upload)
    except files.Refused as exc:
        raise Refused(str(exc)) from None


def serve_file(request, key: str, mime: str, filename: str):
    """The response sending a stored file (``key`` from :class:`Stored`); call it after your access check."""
    if not enabled(web.site_of(request)):
        raise web.not_found()
    return serve(request, key, mime, filename, inline=mime in files.INLINE)
