"""Checking and resizing uploaded images with Pillow: orientation applied, EXIF removed.

Images are recognised by their content (filetype), never by their name; the
decompression-bomb limit of Pillow refuses images with absurd dimensions (its warning zone
too). This is the one image loader: avatars, covers, logos and the documents library use it.
"""

from __future__ import annotations

import io
import warnings

import filetype
from PIL import Image, ImageOps

from core.i18n import gettext as _

ACCEPTED = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
MAX_BYTES = 10 * 1024 * 1024  # an uploaded image
Image.MAX_IMAGE_PIXELS = 40_000_000


class ImageError(ValueError):
    """The upload is not an image we accept; the message says why (shown to the member)."""


def sniff(data: bytes) -> str | None:
    """The MIME type of ``data`` guessed from its content, or None."""
    kind = filetype.guess(data[:8192])
    return kind.mime if kind else None


def open_image(data: bytes, max_bytes: int = MAX_BYTES) -> Image.Image:
    """Open an uploaded image after checking its size, type and dimensions (a picture in Pillow's
    decompression-bomb warning zone is refused as well)."""
    if len(data) > max_bytes:
        raise ImageError(_("The image is too large (%(max)s MB at most).") % {"max": max_bytes // (1024 * 1024)})
    if sniff(data) not in ACCEPTED:
        raise ImageError(_("This file is not an image in JPEG, PNG, GIF or WebP format."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(_("The image has too many pixels.")) from None
    except Exception:
        raise ImageError(_("The image could not be read; it may be damaged.")) from None
    return ImageOps.exif_transpose(image)


def resized(image: Image.Image, size: tuple[int, int], square: bool = False, quality: int = 85) -> bytes:
    """A resized copy of an opened image (JPEG, or PNG when transparent) without any metadata."""
    if square:
        image = ImageOps.fit(image, size, method=Image.Resampling.LANCZOS)
    else:
        image = image.copy()
        image.thumbnail(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image.convert("RGBA").save(out, "PNG", optimize=True)
    else:
        image.convert("RGB").save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def thumbnail(data: bytes, size: tuple[int, int], square: bool = False) -> bytes:
    """A resized copy (JPEG, or PNG when transparent) without any metadata."""
    return resized(open_image(data), size, square)


def from_form(form, field: str, errors: dict, size: tuple[int, int] | None = None,
              square: bool = False) -> bytes | None:
    """The image sent in the form field ``field``, checked by :func:`open_image` (and resized to ``size``
    without metadata when given); None when no file was chosen, or when it is refused, the reason
    then in ``errors[field]`` for the member."""
    upload = form.get(field)
    if upload is None or not getattr(upload, "filename", ""):
        return None
    data = upload.file.read(MAX_BYTES + 1)
    try:
        image = open_image(data)
    except ImageError as exc:
        errors[field] = str(exc)
        return None
    return resized(image, size, square) if size else data


def without_metadata(image: Image.Image, mime: str) -> bytes:
    """An opened image re-encoded at full size without EXIF and other metadata (orientation applied)."""
    out = io.BytesIO()
    fmt = ACCEPTED.get(mime, "PNG")
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=92)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=92)
    else:
        image.save(out, fmt)
    return out.getvalue()


def strip_metadata(data: bytes) -> bytes:
    """The same image re-encoded at full size without EXIF (orientation applied)."""
    return without_metadata(open_image(data, max_bytes=len(data) + 1), sniff(data))
