"""Attachments of messages and letters, through the documents plugin's safe upload path.

When the documents plugin is enabled on the site, a file sent with a message is checked
and stored by ``plugins.documents.library.store_upload`` (type from the content, size
limits, images stripped of their metadata), counted in the sender's storage, and served
by the documents plugin's ``serve`` (ranges, safe headers) after this plugin's own check:
only participants download it. Without the documents plugin, messages have no attachments.
"""

from __future__ import annotations


class Refused(ValueError):
    """The file is refused; the text says why."""


def enabled(site) -> bool:
    return "documents" in site.enabled_names


def from_form(site, owner_guid: int, upload):
    """Store the uploaded file of a form (or None when there is none or attachments are off)."""
    if upload is None or not getattr(upload, "filename", "") or not enabled(site):
        return None
    from plugins.documents import files, library

    if library.upload_size(upload) == 0:
        return None
    try:
        return library.store_upload(site, owner_guid, upload)
    except files.Refused as exc:
        raise Refused(str(exc)) from None


def serve(request, key: str, mime: str, filename: str):
    from core import web
    from plugins.documents import files
    from plugins.documents.serving import serve as documents_serve

    if not enabled(web.site_of(request)):
        raise web.not_found()
    return documents_serve(request, key, mime, filename, inline=mime in files.INLINE)
