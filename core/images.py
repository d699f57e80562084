"""Checking and resizing uploaded images with Pillow: orientation applied, EXIF removed.

Images are recognised by their content (filetype), never by their name; the
decompression-bomb limit of Pillow refuses images with absurd dimensions.
"""

from __future__ import annotations

import io

import filetype
from PIL import Image, ImageOps

from core.i18n import gettext as _

ACCEPTED = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
Image.MAX_IMAGE_PIXELS = 40_000_000


class ImageError(ValueError):
    """The upload is not an image we accept; the message says why (shown to the member)."""


def sniff(data: bytes) -> str | None:
    """The MIME type of ``data`` guessed from its content, or None."""
    kind = filetype.guess(data[:8192])
    return kind.mime if kind else None


def open_image(data: bytes, max_bytes: int = 10 * 1024 * 1024) -> Image.Image:
    """Open an uploaded image after checking its size, type and dimensions."""
    if len(data) > max_bytes:
        raise ImageError(_("The image is too large (%(max)s MB at most).") % {"max": max_bytes // (1024 * 1024)})
    if sniff(data) not in ACCEPTED:
        raise ImageError(_("This file is not an image in JPEG, PNG, GIF or WebP format."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(_("The image has too many pixels.")) from None
    except Exception:
        raise ImageError(_("The image could not be read; it may be damaged.")) from None
    return ImageOps.exif_transpose(image)


def thumbnail(data: bytes, size: tuple[int, int], square: bool = False) -> bytes:
    """A resized copy (JPEG, or PNG when transparent) without any metadata."""
    image = open_image(data)
    if square:
        image = ImageOps.fit(image, size, method=Image.Resampling.LANCZOS)
    else:
        image.thumbnail(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P"):
        image.convert("RGBA").save(out, "PNG", optimize=True)
    else:
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def strip_metadata(data: bytes) -> bytes:
    """The same image re-encoded at full size without EXIF (orientation applied)."""
    image = open_image(data, max_bytes=len(data) + 1)
    out = io.BytesIO()
    fmt = ACCEPTED[sniff(data)]
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=92)
    else:
        image.save(out, fmt)
    return out.getvalue()
