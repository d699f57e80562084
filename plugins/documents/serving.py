"""Serving the documents' files: downloads of any version and thumbnails, each after the viewer's
access is checked in the SQL (``listings.visible_or_404``), with range requests and RFC 6266 names."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response, StreamingResponse

from core import inputs, listings, web
from core.storage import StorageError, storage
from plugins.documents import files
from plugins.documents.models import FILE, Item, Version


def download(request):
    """Stream a version of a document after checking access; supports range requests."""
    entity = listings.visible_or_404(request, request.path_params["guid"], kind=FILE)
    number = inputs.query_id(request, "version")
    query = Version.select().where(Version.document == entity.guid)
    version = (query.where(Version.number == number) if number else query.order_by(Version.number.desc())).first()
    if version is None:
        raise web.not_found()
    return serve(request, version.key, version.mime, version.filename,
                 inline=version.mime in files.INLINE and request.query_params.get("download") != "1")


def thumb(request):
    """The thumbnail of an image document (same access check as the file)."""
    entity = listings.visible_or_404(request, request.path_params["guid"], kind=FILE)
    item = Item.get_or_none(Item.entity == entity.guid)
    if item is None or not item.thumb_key:
        raise web.not_found()
    mime = "image/png" if _is_png(request, item.thumb_key) else "image/jpeg"
    return serve(request, item.thumb_key, mime, "thumbnail" + (".png" if mime == "image/png" else ".jpg"),
                 inline=True)


def _is_png(request, key) -> bool:
    with storage(web.site_of(request)).open(key) as fh:
        return fh.read(8) == b"\x89PNG\r\n\x1a\n"


def content_disposition(filename: str, inline: bool) -> str:
    """RFC 6266: an ASCII fallback name and the exact name in ``filename*``."""
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename) or "file"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """``(start, end)`` for a single satisfiable byte range, None to send everything, False for 416."""
    unit, _sep, spec = header.partition("=")
    if unit.strip().lower() != "bytes":
        return None
    if "," in spec:
        return None  # several ranges: we send the whole file (allowed by RFC 9110)
    first, dash, last = spec.strip().partition("-")
    if not dash:
        return False
    try:
        if first == "":
            length = int(last)
            if length <= 0:
                return False
            return max(0, size - length), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return False
    if start < 0 or start >= size or end < start:
        return False
    return start, min(end, size - 1)


def serve(request, key: str, mime: str, filename: str, inline: bool) -> Response:
    store = storage(web.site_of(request))
    try:
        size = store.size(key)
    except StorageError:
        raise web.not_found() from None
    etag = f'"{key[:20]}"'
    content_type = mime
    if mime.startswith("text/"):
        with store.open(key) as fh:
            content_type = f"{mime}; charset={files.text_encoding(fh.read(8192)) or 'utf-8'}"
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Content-Disposition": content_disposition(filename, inline),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-cache",
    }
    if mime != "application/pdf":  # Chromium's PDF viewer does not run in a sandboxed document
        headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    wanted = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if wanted and (if_range is None or if_range == etag):
        span = parse_range(wanted, size)
        if span is False:
            headers["Content-Range"] = f"bytes */{size}"
            return Response(status_code=416, headers=headers)
        if span is not None:
            start, end = span
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
            headers["Content-Length"] = str(end - start + 1)
            return StreamingResponse(store.iter_range(key, start, end), status_code=206, media_type=content_type,
                                     headers=headers)
    headers["Content-Length"] = str(size)
    if request.method == "HEAD":
        return Response(status_code=200, media_type=content_type, headers=headers)
    return StreamingResponse(store.iter_range(key), media_type=content_type, headers=headers)

