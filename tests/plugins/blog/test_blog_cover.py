"""Cover images: checked by content, metadata removed, a refused file keeps the form."""

import io

import pytest
from PIL import Image

from core.db import database
from core.models import Entity
from core.testing import CSRF_RE

pytestmark = pytest.mark.site(plugins=["blog"])


def upload(client, filename, data, content_type="image/jpeg", **fields):
    token = CSRF_RE.search(client.get("/blog/new").text).group(1)
    form = {"csrf_token": token, "title": "Avec image", "body": "Mon texte", "access": "public", "comments": "1",
            "action": "publish", "tags": ""}
    form.update(fields)
    return client.post("/blog/new", data=form, files={"cover": (filename, data, content_type)},
                       follow_redirects=False)


def test_cover_loses_its_metadata(signed_in, client):
    ada = signed_in("ada")
    exif = Image.Exif()
    exif[0x010F] = "Appareil secret"  # Make
    exif[0x010E] = "Rue des Lilas, 12"  # ImageDescription
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), "red").save(buf, "JPEG", exif=exif.tobytes())
    assert b"Appareil secret" in buf.getvalue()
    assert upload(ada, "photo.jpg", buf.getvalue()).status_code == 303
    with database.connection_context():
        entity = Entity.get(Entity.kind == "blog.post")
    served = client.get(f"/blog/{entity.guid}/cover")
    assert served.status_code == 200 and served.headers["content-type"].startswith("image/")
    assert b"Appareil secret" not in served.content and b"Lilas" not in served.content
    assert not Image.open(io.BytesIO(served.content)).getexif()


@pytest.mark.parametrize("filename,data", [
    ("photo.jpg", b"#!/bin/sh\nrm -rf /\n"),
    ("image.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
    ("tronque.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),
])
def test_what_is_not_an_image_is_refused_and_the_form_kept(signed_in, filename, data):
    ada = signed_in("ada")
    response = upload(ada, filename, data)
    assert response.status_code == 400
    assert "Mon texte" in response.text and 'id="f-cover-error"' in response.text
    with database.connection_context():
        assert not Entity.select().where(Entity.kind == "blog.post").exists()
