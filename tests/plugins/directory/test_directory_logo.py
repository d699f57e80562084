"""Directory: organisation logos — uploaded with the card form (checked by content, resized with its
proportions kept, metadata removed), replaced, removed, served after the card's access check."""

import csv
import io

import pytest
from PIL import Image

from core import entities, moderation
from core.db import database
from core.models import Entity
from core.storage import storage
from plugins.directory import importer
from plugins.directory.models import Organisation

pytestmark = pytest.mark.site(plugins=["directory"])


def _image(size=(1000, 250), mode="RGBA", fmt="PNG", color=(200, 30, 30, 128), **save):
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, fmt, **save)
    return buf.getvalue()


FIELDS = {"name": "Amicale des pêcheurs", "acronym": "ADP", "short_description": "Pêche en rivière",
          "description": "Sorties **chaque** samedi", "postcode": "80000", "email": "adp@example.org",
          "access": "public", "competences": "Alevinage"}


def _new(client, logo=None, **extra):
    files = {"logo": logo} if logo else None
    return client.post_form("/directory/new", {**FIELDS, **extra}, files=files, follow_redirects=False)


def _edit(client, guid, logo=None, **extra):
    files = {"logo": logo} if logo else None
    return client.post_form(f"/directory/{guid}/edit", {**FIELDS, **extra}, files=files, follow_redirects=False)


def _guid(response):
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _key(guid):
    with database.connection_context():
        return Organisation.get_by_id(guid).logo


def _files(app):
    root = app.runtime("test").instance.media_dir
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_uploaded_logo_is_resized_shown_and_served(signed_in, client, app):
    ada = signed_in("ada")
    guid = _guid(_new(ada, ("logo.png", _image(), "image/png")))
    key = _key(guid)
    assert len(key) == 40 and _files(app) == [key]
    page = client.get(f"/directory/{guid}").text
    src = f"/directory/{guid}/logo?v={key[:8]}"
    assert f'src="{src}"' in page and 'alt="Logo : Amicale des pêcheurs"' in page
    listing = client.get("/directory/").text
    assert f'src="{src}" alt=""' in listing  # small and decorative next to the name
    assert f"/logo?v={key[:8]}" in client.get("/directory/?place=80000&km=10").text
    served = client.get(src)
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.headers["cache-control"].startswith("public, max-age=")
    etag = served.headers["etag"]
    with Image.open(io.BytesIO(served.content)) as image:
        assert image.size == (400, 100)  # fits in 400 × 400, proportions kept (not cropped square)
    assert client.get(src, headers={"If-None-Match": etag}).status_code == 304
    # the map's points carry the logo's address; the exports stay as they were
    points = client.get("/directory/map.json?bbox=2.0,49.7,2.6,50.0&zoom=13").json()["features"]
    assert points[0]["properties"]["logo"] == src
    assert "logo" not in next(csv.reader(io.StringIO(client.get("/directory/export.csv").text)))
    assert "logo" not in client.get("/directory/export.geojson").json()["features"][0]["properties"]


def test_photo_loses_its_metadata_and_becomes_a_jpeg(signed_in, client):
    ada = signed_in("ada")
    exif = Image.Exif()
    exif[0x010F] = "Appareil secret"  # Make
    photo = _image((300, 600), "RGB", "JPEG", (10, 120, 40), exif=exif.tobytes())
    guid = _guid(_new(ada, ("photo.jpg", photo, "image/jpeg")))
    served = client.get(f"/directory/{guid}/logo")
    assert served.headers["content-type"] == "image/jpeg" and b"Appareil secret" not in served.content
    with Image.open(io.BytesIO(served.content)) as image:
        assert image.size == (200, 400) and not image.getexif()


def test_replace_deletes_the_old_file_and_changes_the_address(signed_in, client, app):
    ada = signed_in("ada")
    guid = _guid(_new(ada, ("a.png", _image(), "image/png")))
    old = _key(guid)
    assert _guid(_edit(ada, guid, ("b.png", _image((64, 64), color=(0, 0, 255, 255)), "image/png"))) == guid
    new = _key(guid)
    assert new != old and _files(app) == [new]
    assert client.get(f"/directory/{guid}/logo?v={old[:8]}").headers["cache-control"].endswith("max-age=300")
    assert f"/logo?v={new[:8]}" in client.get(f"/directory/{guid}").text
    # saving the card without choosing a file keeps the logo
    _guid(_edit(ada, guid, short_description="Autre texte"))
    assert _key(guid) == new and _files(app) == [new]


def test_remove_the_logo(signed_in, client, app):
    ada = signed_in("ada")
    guid = _guid(_new(ada, ("a.png", _image(), "image/png")))
    form = ada.get(f"/directory/{guid}/edit").text
    assert 'enctype="multipart/form-data"' in form and 'name="remove_logo"' in form
    _guid(_edit(ada, guid, remove_logo="1"))
    assert _key(guid) == "" and _files(app) == []
    assert client.get(f"/directory/{guid}/logo").status_code == 404
    assert f"/directory/{guid}/logo" not in client.get(f"/directory/{guid}").text
    assert 'name="remove_logo"' not in ada.get(f"/directory/{guid}/edit").text


@pytest.mark.parametrize("filename,data,message", [
    ("logo.png", b"Ceci est un texte, pas une image.\n", "Ce fichier n'est pas une image JPEG, PNG, GIF ou WebP."),
    ("logo.png", _image()[:60], "L'image n'a pas pu être lue"),
    ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (10 * 1024 * 1024), "L'image est trop lourde (10 Mo au plus)."),
])
def test_a_bad_file_is_refused_and_the_form_kept(signed_in, app, filename, data, message):
    ada = signed_in("ada")
    response = _new(ada, (filename, data, "image/png"), president="Jeanne Martin", themes="")
    assert response.status_code == 400
    page = response.text
    assert message.replace("'", "&#39;") in page and 'id="f-logo-error"' in page and 'aria-invalid="true"' in page
    for value in ("Amicale des pêcheurs", "ADP", "Pêche en rivière", "Sorties **chaque** samedi", "80000",
                  "adp@example.org", "Alevinage", "Jeanne Martin"):
        assert value in page
    with database.connection_context():
        assert not Entity.select().where(Entity.kind == "directory.organisation").exists()
    assert _files(app) == []


def test_a_good_logo_with_other_mistakes_is_asked_again(signed_in, app):
    ada = signed_in("ada")
    response = _new(ada, ("a.png", _image(), "image/png"), name="")
    assert response.status_code == 400 and "Choisissez de nouveau le logo" in response.text
    assert _files(app) == []


def test_a_bad_file_on_edit_keeps_the_current_logo_and_saves_nothing(signed_in, app):
    ada = signed_in("ada")
    guid = _guid(_new(ada, ("a.png", _image(), "image/png")))
    key = _key(guid)
    response = _edit(ada, guid, ("logo.png", b"plain text", "image/png"), acronym="NEW", remove_logo="1")
    assert response.status_code == 400 and 'value="NEW"' in response.text
    assert 'name="remove_logo" value="1" checked' in response.text
    with database.connection_context():
        assert Organisation.get_by_id(guid).acronym == "ADP"
    assert _key(guid) == key and _files(app) == [key]


def test_members_only_card_logo_is_hidden_from_visitors(signed_in, client):
    ada = signed_in("ada")
    guid = _guid(_new(ada, ("a.png", _image(), "image/png"), access="members"))
    assert client.get(f"/directory/{guid}/logo").status_code == 404
    bob = signed_in("bob")
    served = bob.get(f"/directory/{guid}/logo")
    assert served.status_code == 200 and served.headers["cache-control"].startswith("private")


def test_a_card_without_logo_answers_404(signed_in, client):
    ada = signed_in("ada")
    guid = _guid(_new(ada))
    assert client.get(f"/directory/{guid}/logo").status_code == 404
    assert client.get("/directory/999999/logo").status_code == 404
    points = client.get("/directory/map.json?bbox=2.0,49.7,2.6,50.0&zoom=13").json()["features"]
    assert "logo" not in points[0]["properties"]


def test_a_non_manager_cannot_change_the_logo(signed_in, app):
    ada = signed_in("ada")
    guid = _guid(_new(ada, ("a.png", _image(), "image/png")))
    key = _key(guid)
    bob = signed_in("bob")
    token = bob.csrf(f"/directory/{guid}")
    for extra in ({"remove_logo": "1"}, {}):
        response = bob.post(f"/directory/{guid}/edit", data={**FIELDS, "csrf_token": token, **extra},
                            files={"logo": ("b.png", _image((50, 50)), "image/png")}, follow_redirects=False)
        assert response.status_code == 403
    assert _key(guid) == key and _files(app) == [key]


def test_import_keeps_the_logo_and_ignores_a_logo_column(signed_in, app):
    ada = signed_in("ada")
    guid = _guid(_new(ada, ("a.png", _image(), "image/png"), id_RNA="W80"))
    key = _key(guid)
    site = app.runtime("test")
    with database.connection_context():
        Organisation.update(legal_id="W80").where(Organisation.entity == guid).execute()
        rows = [{"name": "Amicale des pêcheurs", "legal_id": "W80", "postcode": "80000", "logo": "0" * 40},
                {"name": "Nouvelle", "legal_id": "W81", "postcode": "80000", "logo": "0" * 40}]
        report = importer.import_rows(site, rows, {"logo": "logo"})
        assert (report.created, report.updated) == (1, 1)
        assert Organisation.get_by_id(guid).logo == key
        assert Organisation.select().where(Organisation.legal_id == "W81").get().logo == ""


def test_a_card_removed_for_good_frees_its_logo(signed_in, app):
    ada = signed_in("ada")
    guid = _guid(_new(ada, ("a.png", _image(), "image/png")))
    key = _key(guid)
    site = app.runtime("test")
    with database.connection_context():
        entities.trash(site, Entity.get_by_id(guid))
        assert storage(site).exists(key)  # still restorable from the trash
        assert moderation.purge(site, days=-1) == 1
    assert _files(app) == []
