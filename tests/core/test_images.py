"""One image loader for every upload (core.images): the documents library has no copy of it."""

import importlib.util
import io
from pathlib import Path

import pytest
from PIL import Image

from core import images

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("documents_test_helpers",
                                               ROOT / "tests" / "plugins" / "documents" / "helpers.py")
_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_helpers)
png_bomb = _helpers.png_bomb  # a tiny PNG whose header claims many pixels


def test_a_picture_in_pillows_warning_zone_is_refused_not_just_warned_about():
    with pytest.raises(images.ImageError, match="too many pixels"):
        images.open_image(png_bomb(8000, 8000))  # 64 megapixels: between the warning and the error
    with pytest.raises(images.ImageError, match="too many pixels"):
        images.open_image(png_bomb())


def test_metadata_goes_and_the_thumbnail_is_small():
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Spy camera"  # Make
    Image.new("RGB", (1200, 900), "red").save(out, "JPEG", exif=exif.tobytes())
    image = images.open_image(out.getvalue())
    clean = Image.open(io.BytesIO(images.without_metadata(image, "image/jpeg")))
    assert clean.size == (1200, 900) and not clean.getexif()
    thumb = Image.open(io.BytesIO(images.resized(image, (480, 480))))
    assert thumb.size == (480, 360)


def test_only_the_core_opens_uploaded_images():
    openers = [str(p.relative_to(ROOT)) for p in [*(ROOT / "core").rglob("*.py"), *(ROOT / "plugins").rglob("*.py")]
               if "MAX_IMAGE_PIXELS" in p.read_text(encoding="utf-8") or "Image.open(" in p.read_text(encoding="utf-8")]
    assert openers == ["core/images.py"]
