"""Every accepted kind of file is stored; hostile files are refused with a clear message or stored safely."""

import io
from pathlib import Path

import pytest
from PIL import Image

from core.db import database
from plugins.documents.files import clean_filename
from plugins.documents.models import Item, Version

pytestmark = pytest.mark.site(plugins=["documents"], language="en")

ACCEPTED = [
    ("photo.jpg", "jpeg", "image/jpeg"),
    ("logo.png", "png", "image/png"),
    ("anim.gif", "gif", "image/gif"),
    ("pic.webp", "webp", "image/webp"),
    ("report.pdf", "pdf", "application/pdf"),
    ("letter.docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("budget.xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("minutes.odt", "odt", "application/vnd.oasis.opendocument.text"),
    ("readme.txt", "txt", "text/plain"),
    ("members.csv", "csv", "text/csv"),
]


def content(h, kind):
    return {"jpeg": lambda: h.jpeg(), "png": lambda: h.image("PNG"), "gif": lambda: h.image("GIF"),
            "webp": lambda: h.image("WEBP"), "pdf": lambda: h.pdf(text="Hello PDF"), "docx": lambda: h.docx(),
            "xlsx": lambda: h.xlsx(), "odt": lambda: h.odt(), "txt": lambda: "Ça marche\n".encode(),
            "csv": lambda: b"name,town\nAda,Amiens\n"}[kind]()


def stored_files(app):
    media = Path(app.instance.media_dir)
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.mark.parametrize(("name", "kind", "mime"), ACCEPTED)
def test_every_accepted_kind_is_stored(signed_in, client, app, h, name, kind, mime):
    ada = signed_in("ada")
    response = h.upload(ada, [(name, content(h, kind))], follow_redirects=False)
    assert response.status_code == 303, response.text
    guid = h.guid_from(response)
    download = client.get(f"/documents/{guid}/download")
    assert download.status_code == 200
    assert download.headers["content-type"].split(";")[0] == mime
    with database.connection_context():
        item = Item.get_by_id(guid)
        version = Version.get(Version.document == guid)
    assert item.filename == name and item.mime == mime
    # stored under a generated key, never under the member's file name
    assert all(p.name != name and len(p.name) == 40 for p in stored_files(app))
    if mime.startswith("image/"):
        assert client.get(f"/documents/{guid}/thumb").status_code == 200
    if kind == "pdf":
        assert item.pages == 1 and "Hello PDF" in version.text
    if kind == "docx":
        assert "Hello from Word" in version.text
    if kind == "odt":
        assert "Bonjour OpenDocument" in version.text
    if kind == "xlsx":
        assert "Budget 2026" in version.text


HOSTILE = [
    ("fake.pdf", lambda h: h.jpeg(), "content is a JPEG"),
    ("image.png", lambda h: b"MZ\x90\x00\x03" + b"\x00" * 200, "not accepted"),
    ("virus.exe", lambda h: b"MZ\x90\x00\x03" + b"\x00" * 200, "not accepted"),
    ("drawing.svg", lambda h: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    ("drawing.txt", lambda h: b'<?xml version="1.0"?><svg onload="alert(1)"></svg>', "SVG"),
    ("page.html", lambda h: b"<!doctype html><script>alert(1)</script>", "SVG images, HTML pages"),
    ("bomb.png", lambda h: h.png_bomb(), "too many pixels"),
    ("64-megapixels.png", lambda h: h.png_bomb(8000, 8000), "too many pixels"),  # Pillow's warning zone
    ("bomb.zip", lambda h: h.zip_bomb(), "zip bomb"),
    ("bomb.docx", lambda h: h.zip_bomb(), "zip bomb"),
    ("empty.txt", lambda h: b"", "empty"),
    ("broken.jpg", lambda h: h.jpeg()[:40], "could not be read"),
]


@pytest.mark.parametrize(("name", "make", "message"), HOSTILE, ids=[x[0] for x in HOSTILE])
def test_hostile_files_are_refused_with_a_clear_message(signed_in, app, h, name, make, message):
    ada = signed_in("ada")
    response = h.upload(ada, [(name, make(h))], {"title": "kept title"})
    assert response.status_code == 400
    assert message in response.text.replace("&#34;", '"')
    assert 'value="kept title"' in response.text  # the form comes back filled
    assert stored_files(app) == []


def test_oversized_file_and_quota(make_app, signed_in, app, h):
    make_app(plugins=["documents"], language="en")
    from core import sites

    with database.connection_context():
        sites.save_plugin_settings("test", "documents", {"max_file_mb": 1, "quota_mb": 2})
    app.invalidate()
    ada = signed_in("ada")
    big = b"a" * (1024 * 1024 + 1)
    response = h.upload(ada, [("big.txt", big)])
    assert response.status_code == 400 and "1 MB at most" in response.text
    half = b"b" * (900 * 1024)
    assert h.upload(ada, [("one.txt", half)], follow_redirects=False).status_code == 303
    assert h.upload(ada, [("two.txt", half)], follow_redirects=False).status_code == 303
    response = h.upload(ada, [("three.txt", half)])
    assert response.status_code == 400 and "quota" in response.text


@pytest.mark.parametrize("raw", ["../../etc/passwd", "..\\..\\windows\\system32\\cmd.txt", "a\x00b.txt",
                                 "/absolute/path.txt", "x" * 5000 + ".txt", "....txt", "\u202egnp.txt"])
def test_path_traversal_and_odd_names_are_stored_safely(signed_in, client, app, h, raw):
    ada = signed_in("ada")
    response = h.upload(ada, [(raw, b"plain text")], follow_redirects=False)
    assert response.status_code in (303, 400), response.text
    media = Path(app.instance.media_dir).resolve()
    for path in stored_files(app):
        assert media in path.resolve().parents and len(path.name) == 40
    assert not (Path(app.instance.media_dir).parent / "etc").exists()
    if response.status_code == 303:
        guid = h.guid_from(response)
        with database.connection_context():
            name = Item.get_by_id(guid).filename
        assert "/" not in name and "\\" not in name and "\x00" not in name and "\u202e" not in name
        assert len(name) <= 135
        assert client.get(f"/documents/{guid}/download").content == b"plain text"


def test_clean_filename():
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("C:\\Users\\ada\\photo.JPG") == "photo.JPG"
    assert clean_filename("a\x00b\x07.txt") == "ab.txt"
    assert clean_filename("") == "file"
    assert clean_filename("..") == "file"
    assert clean_filename("noext", "application/pdf") == "noext.pdf"
    assert len(clean_filename("é" * 400 + ".pdf")) == 124


def test_exif_is_removed_and_orientation_applied(signed_in, client, h):
    ada = signed_in("ada")
    # 64x48 stored with "rotate 90" orientation: shown as 48x64
    response = h.upload(ada, [("turned.jpg", h.jpeg(size=(64, 48), exif_orientation=6))], follow_redirects=False)
    guid = h.guid_from(response)
    served = Image.open(io.BytesIO(client.get(f"/documents/{guid}/download").content))
    assert served.size == (48, 64)
    assert not served.getexif()
    thumb = Image.open(io.BytesIO(client.get(f"/documents/{guid}/thumb").content))
    assert thumb.size[0] < thumb.size[1]


def test_svg_is_never_served_inline_even_if_stored_as_text(signed_in, client, h):
    ada = signed_in("ada")
    guid = h.guid_from(h.upload(ada, [("notes.txt", b"plain <b>not html</b>")], follow_redirects=False))
    response = client.get(f"/documents/{guid}/download")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]


def test_exif_is_kept_when_the_site_allows_it(make_app, signed_in, client, h):
    make_app(plugins=["documents"], language="en")
    from core import sites

    with database.connection_context():
        sites.save_plugin_settings("test", "documents", {"strip_exif": False})
    ada = signed_in("ada")
    original = h.jpeg(exif_orientation=6)
    guid = h.guid_from(h.upload(ada, [("kept.jpg", original)], follow_redirects=False))
    assert client.get(f"/documents/{guid}/download").content == original
    thumb = Image.open(io.BytesIO(client.get(f"/documents/{guid}/thumb").content))
    assert thumb.size[0] < thumb.size[1] and not thumb.getexif()  # thumbnails: turned, never any metadata


def test_windows_1252_csv_is_accepted_and_served_with_its_charset(signed_in, client, h):
    ada = signed_in("ada")
    data = "nom;commune\nBéatrice;Péronne\n".encode("cp1252")
    guid = h.guid_from(h.upload(ada, [("export.csv", data)], follow_redirects=False))
    response = client.get(f"/documents/{guid}/download")
    assert response.content == data
    assert response.headers["content-type"] == "text/csv; charset=windows-1252"
    with database.connection_context():
        assert "Péronne" in Version.get(Version.document == guid).text
