"""Files of every accepted kind, generated in memory, for the documents tests."""

from __future__ import annotations

import functools
import io
import re
import zipfile

from PIL import Image


def jpeg(size=(64, 48), colour=(200, 30, 30), exif_orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        exif[0x010F] = "TestCamera"
        image.save(out, "JPEG", exif=exif.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def image(fmt: str, size=(32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA" if fmt == "PNG" else "RGB", size, (10, 120, 200)).save(out, fmt)
    return out.getvalue()


def pdf(pages: int = 2, text: str | None = None) -> bytes:
    """A small PDF; with ``text`` a hand-written one whose first page shows that text."""
    if text is None:
        from pypdf import PdfWriter

        writer = PdfWriter()
        for _ in range(pages):
            writer.add_blank_page(width=200, height=200)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx(text: str = "Hello from Word") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="w"><w:body><w:p><w:r><w:t>'
                   f'{text}</w:t></w:r></w:p></w:body></w:document>')
    return out.getvalue()


def odt(text: str = "Bonjour OpenDocument") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("META-INF/manifest.xml", "<manifest/>")
        z.writestr("content.xml", f'<office:document-content><text:p>{text}</text:p></office:document-content>')
    return out.getvalue()


def xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/sharedStrings.xml", "<sst><si><t>Budget 2026</t></si></sst>")
    return out.getvalue()


@functools.lru_cache
def zip_bomb() -> bytes:
    """A 20 KB zip that expands to 20 MB (a ratio of 1000; real bombs go much further)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("big.txt", "w", force_zip64=True) as fh:
            block = b"\0" * (1024 * 1024)
            for _ in range(20):
                fh.write(block)
    return out.getvalue()


def png_bomb(width=100_000, height=100_000) -> bytes:
    """A tiny PNG whose header claims 10 billion pixels."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


def upload(client, files, data=None, path="/documents/upload", **kwargs):
    """POST files (list of (name, bytes)) to the upload form with the page's CSRF token."""
    token = client.csrf(path if "?" in path or path.endswith("upload") else "/documents/upload")
    form = {"csrf_token": token, "access": "public", **(data or {})}
    return client.post(path.split("?")[0], data=form,
                       files=[("files", (name, content, "application/octet-stream")) for name, content in files],
                       **kwargs)


def guid_from(response) -> int:
    return int(re.search(r"/documents/(\d+)", str(response.headers.get("location") or response.url)).group(1))
