"""Profiles: the site's fields, each member's visibility choices, avatars without metadata."""

import io

import pytest
from PIL import Image

from core.db import database
from core.models import Relationship

PROFILE = """
[profile]
kinds = ["person", "elected official", "staff"]

[[profile.fields]]
name = "competences"
label = "Competences"
type = "tags"
max = 3
visibilities = ["public", "members", "connections", "private"]

[[profile.fields]]
name = "phone"
label = "Phone"
type = "text"
visibilities = ["members", "connections", "private"]
default_visibility = "private"

[[profile.fields]]
name = "website"
label = "Website"
type = "url"
"""

pytestmark = pytest.mark.site(toml=PROFILE)


def _save(client, guid, **fields):
    form = {"name": "Ada", "bio": "Gardener", "kind": "person", "competences": "", "phone": "",
            "website": "", "visibility_competences": "public", "visibility_phone": "private",
            "visibility_website": "public"}
    form.update(fields)
    return client.post_form(f"/members/{guid}/edit", form, follow_redirects=False)


def test_fields_are_validated_and_the_form_comes_back_filled(signed_in):
    ada = signed_in("ada")
    response = _save(ada, ada.account.guid, competences="a, b, c, d", website="ftp://x")
    assert response.status_code == 400
    assert 'value="a, b, c, d"' in response.text
    assert "3" in response.text and response.text.count('class="field-error"') == 2
    assert _save(ada, ada.account.guid, competences="compost, beekeeping").status_code == 303
    page = ada.get(f"/members/{ada.account.guid}").text
    assert "compost" in page and "beekeeping" in page


def test_each_field_is_seen_according_to_the_members_choice(signed_in, client, app):
    ada = signed_in("ada")
    _save(ada, ada.account.guid, competences="compost", phone="0102030405",
          visibility_competences="members", visibility_phone="connections")
    guid = ada.account.guid
    assert "compost" not in client.get(f"/members/{guid}").text  # visitor
    bob = signed_in("bob")
    page = bob.get(f"/members/{guid}").text
    assert "compost" in page and "0102030405" not in page  # member, not a connection
    with database.connection_context():
        Relationship.create(site="test", subject=guid, verb="connected", object=bob.account.guid)
        Relationship.create(site="test", subject=bob.account.guid, verb="connected", object=guid)
    assert "0102030405" in bob.get(f"/members/{guid}").text  # now a connection
    assert "0102030405" in ada.get(f"/members/{guid}").text  # the owner


def test_a_visibility_the_site_does_not_allow_falls_back_to_its_default(signed_in):
    ada = signed_in("ada")
    _save(ada, ada.account.guid, phone="0102030405", visibility_phone="public")
    bob = signed_in("bob")
    assert "0102030405" not in bob.get(f"/members/{ada.account.guid}").text


def test_avatar_is_resized_and_its_exif_removed(signed_in):
    ada = signed_in("ada")
    image = Image.new("RGB", (1200, 800), "green")
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    exif[0x0112] = 6  # orientation: rotate
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    form = {"name": "Ada", "bio": "", "kind": "", "competences": "", "phone": "", "website": ""}
    from core.testing import CSRF_RE

    token = CSRF_RE.search(ada.get(f"/members/{ada.account.guid}/edit").text).group(1)
    response = ada.post(f"/members/{ada.account.guid}/edit", data={**form, "csrf_token": token},
                        files={"avatar": ("../../evil.jpg", buf.getvalue(), "image/jpeg")},
                        follow_redirects=False)
    assert response.status_code == 303
    served = ada.get(f"/members/{ada.account.guid}/avatar")
    assert served.headers["content-type"] == "image/jpeg"
    out = Image.open(io.BytesIO(served.content))
    assert out.size == (256, 256)
    assert b"SecretCamera" not in served.content and not out.getexif()


def test_a_file_that_is_not_an_image_is_refused(signed_in):
    ada = signed_in("ada")
    from core.testing import CSRF_RE

    token = CSRF_RE.search(ada.get(f"/members/{ada.account.guid}/edit").text).group(1)
    response = ada.post(f"/members/{ada.account.guid}/edit",
                        data={"name": "Ada", "csrf_token": token, "competences": "", "phone": "", "website": ""},
                        files={"avatar": ("photo.jpg", b"<svg onload=alert(1)>", "image/jpeg")})
    assert response.status_code == 400
    assert "JPEG, PNG, GIF" in response.text or "JPEG, PNG, GIF ou WebP" in response.text


def test_members_cannot_edit_someone_else(signed_in):
    ada = signed_in("ada")
    bob = signed_in("bob")
    assert bob.get(f"/members/{ada.account.guid}/edit").status_code == 403
    assert _save(bob, ada.account.guid).status_code == 403


def test_member_list_search(signed_in, client):
    signed_in("ada")
    signed_in("bob")
    page = client.get("/members?q=Ad").text
    assert "Ada" in page and "Bob" not in page
