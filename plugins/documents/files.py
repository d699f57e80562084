"""Checking uploaded files by their content, and what we learn from them.

Nothing here trusts the name a browser sends: the type comes from the bytes
(``filetype``), the name is only shown (sanitised), never used as a path.
Images are opened with Pillow's decompression-bomb limit turned into an error,
archives (office files, zip) are refused when they would expand absurdly.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype

from core.i18n import gettext as _

THUMB_SIZE = (480, 480)
MAX_TEXT = 200_000
MAX_EXPANDED = 300 * 1024 * 1024
MAX_RATIO = 200

# accepted types: MIME -> (extensions, short label)
TYPES = {
    "image/jpeg": ((".jpg", ".jpeg", ".jpe"), "JPEG"),
    "image/png": ((".png",), "PNG"),
    "image/gif": ((".gif",), "GIF"),
    "image/webp": ((".webp",), "WebP"),
    "application/pdf": ((".pdf",), "PDF"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ((".docx",), "Word"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ((".xlsx",), "Excel"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ((".pptx",), "PowerPoint"),
    "application/vnd.oasis.opendocument.text": ((".odt",), "OpenDocument text"),
    "application/vnd.oasis.opendocument.spreadsheet": ((".ods",), "OpenDocument spreadsheet"),
    "application/vnd.oasis.opendocument.presentation": ((".odp",), "OpenDocument presentation"),
    "text/plain": ((".txt", ".md", ".text"), "Text"),
    "text/csv": ((".csv",), "CSV"),
    "application/zip": ((".zip",), "ZIP"),
}
OFFICE_TEXT_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": r"word/document\.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": r"xl/sharedStrings\.xml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": r"ppt/slides/slide\d+\.xml",
    "application/vnd.oasis.opendocument.text": r"content\.xml",
    "application/vnd.oasis.opendocument.spreadsheet": r"content\.xml",
    "application/vnd.oasis.opendocument.presentation": r"content\.xml",
}
INLINE = {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "text/plain"}
ODF_MIMETYPES = {m for m in TYPES if "opendocument" in m}
OOXML_MARKERS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class Refused(ValueError):
    """The upload is refused; the message says why and is shown to the member."""


@dataclass
class Checked:
    """What we know about an accepted file."""

    mime: str
    filename: str
    pages: int | None = None
    text: str = ""


def clean_filename(raw: str | None, mime: str | None = None) -> str:
    """A name fit for display and Content-Disposition: no folders, no control characters, short."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = name.replace("\x00", "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = name.strip().strip(".").strip() or "file"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ext[:10]
    stem = stem[:120].strip() or "file"
    name = f"{stem}.{ext}" if ext else stem
    if mime and mime in TYPES and not ext:
        name += TYPES[mime][0][0]
    return name


def type_label(mime: str) -> str:
    return TYPES.get(mime, ((), mime))[1]


def _zip_check(head: bytes, fh) -> str:
    """The type of a zip-based file (office document or plain zip); refuse zip bombs."""
    fh.seek(0)
    try:
        archive = zipfile.ZipFile(fh)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refused(_("This archive is damaged and cannot be read.")) from None
    expanded = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if expanded > MAX_EXPANDED or expanded / packed > MAX_RATIO or len(infos) > 10_000:
        raise Refused(_("This archive expands to far more data than it holds (a \"zip bomb\"); it is refused."))
    names = [i.filename for i in infos]
    if "mimetype" in names:
        declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
        if declared in ODF_MIMETYPES:
            return declared
    if "[Content_Types].xml" in names:
        for prefix, mime in OOXML_MARKERS.items():
            if any(n.startswith(prefix) for n in names):
                return mime
    return "application/zip"


def text_encoding(head: bytes) -> str | None:
    """"utf-8" or "windows-1252" (French spreadsheets export CSV in it) for text, else None."""
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4 and exc.reason == "unexpected end of data":
            return "utf-8"  # a multi-byte character cut at the end of the sample
    try:
        text = head.decode("cp1252")
    except UnicodeDecodeError:
        return None
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\r\n\f")
    return "windows-1252" if controls <= len(text) // 100 else None


def _text_type(head: bytes) -> str | None:
    encoding = text_encoding(head)
    if encoding is None:
        return None
    text = head.decode(encoding, "replace")
    lowered = text.lstrip().lower()
    if lowered.startswith(("<?xml", "<svg", "<!doctype", "<html")) or "<svg" in lowered or "<script" in lowered:
        raise Refused(_("SVG images, HTML pages and scripts are not accepted: send a PNG, JPEG or PDF instead."))
    return "text/plain"


def sniff(fh, name: str, allow_zip: bool = False) -> str:
    """The MIME type of the open file ``fh`` from its content; raise :class:`Refused` if not accepted."""
    fh.seek(0)
    head = fh.read(8192)
    if not head:
        raise Refused(_("The file is empty."))
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime in ("application/zip", "application/x-zip-compressed") or (mime or "").startswith(
            ("application/vnd.openxmlformats", "application/vnd.oasis")):
        mime = _zip_check(head, fh)
    elif mime is None:
        mime = _text_type(head)
        if mime == "text/plain" and name.lower().endswith(".csv"):
            mime = "text/csv"
    if mime == "application/zip" and not allow_zip:
        raise Refused(_("ZIP archives are not accepted on this site."))
    if mime not in TYPES:
        raise Refused(_("This type of file is not accepted. Accepted: images (JPEG, PNG, GIF, WebP), PDF, "
                        "office documents (Word, Excel, PowerPoint, OpenDocument), text and CSV."))
    ext = "." + name.rpartition(".")[2].lower() if "." in name else ""
    if ext and ext not in TYPES[mime][0]:
        raise Refused(_("The name ends in %(ext)s but the content is a %(type)s file: rename it or send the "
                        "right file.") % {"ext": ext, "type": TYPES[mime][1]})
    return mime


def pdf_info(fh) -> tuple[int | None, str]:
    """Number of pages and text of a PDF (pypdf); (None, "") if it cannot be read."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    fh.seek(0)
    try:
        reader = PdfReader(fh)
        pages = len(reader.pages)
        parts, total = [], 0
        for page in list(reader.pages)[:100]:
            text = page.extract_text() or ""
            parts.append(text)
            total += len(text)
            if total > MAX_TEXT:
                break
        return pages, "\n".join(parts)[:MAX_TEXT]
    except Exception:
        return None, ""


def office_text(fh, mime: str) -> str:
    """The words of an office document, read from its XML parts (no entity expansion)."""
    pattern = OFFICE_TEXT_PARTS.get(mime)
    if not pattern:
        return ""
    fh.seek(0)
    try:
        archive = zipfile.ZipFile(fh)
        parts = []
        for info in archive.infolist():
            if re.fullmatch(pattern, info.filename) and info.file_size < 50 * 1024 * 1024:
                xml = archive.read(info).decode("utf-8", "replace")
                xml = re.sub(r"</(w:p|text:p|a:p|si)>", "\n", xml)
                parts.append(re.sub(r"<[^>]*>", " ", xml))
        text = re.sub(r"[ \t]+", " ", "\n".join(parts))
        return re.sub(r"\n\s*\n+", "\n", text).strip()[:MAX_TEXT]
    except Exception:
        return ""


def text_of(fh) -> str:
    fh.seek(0)
    data = fh.read(MAX_TEXT)
    return data.decode(text_encoding(data[:8192]) or "utf-8", "replace")


def human_size(size: int) -> str:
    """A file size for people, in the current language ("12,5 ko", "12.5 kB")."""
    from core.i18n import current_language, format_number

    units = ("o", "ko", "Mo", "Go") if current_language() == "fr" else ("B", "kB", "MB", "GB")
    value, unit = float(size or 0), 0
    while value >= 1000 and unit < len(units) - 1:
        value, unit = value / 1000, unit + 1
    return f"{format_number(round(value, 1) if unit else int(value))}\u00a0{units[unit]}"
