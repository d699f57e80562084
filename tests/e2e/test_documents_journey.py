"""Photo library in a real browser: a group member uploads three photos to an album, another member
sees the gallery, a visitor gets 404 for the private album."""

import io
import re

import pytest
from PIL import Image

pytestmark = pytest.mark.e2e


def test_group_album_journey(live_site, page, new_page, check_a11y, tmp_path, members, sign_in):
    url = live_site(plugins=["groups", "documents"], language="en")
    from core import entities
    from core.db import database
    from plugins.groups import membership
    from plugins.groups.models import Group

    site = live_site.app.runtime("test")
    admin, owner, member = members("Admin", "Owner", "Member")
    with database.connection_context():
        group = entities.create(site, "groups.group", owner=admin.guid, title="Choir", access_level="public")
        Group.create(entity=group, description="We sing.")
        membership.add(site, admin.guid, membership.ADMIN, group.guid)
        # "owner" is a plain member who uploads; "member" is another member who looks
        for who in (owner, member):
            membership.add(site, who.guid, membership.MEMBER, group.guid)
    photos = []
    for n, colour in enumerate([(200, 30, 30), (30, 160, 60), (30, 60, 200)], 1):
        path = tmp_path / f"photo-{n}.jpg"
        out = io.BytesIO()
        Image.new("RGB", (300, 200), colour).save(out, "JPEG")
        path.write_bytes(out.getvalue())
        photos.append(str(path))

    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, url, "owner")
    page.goto(f"{url}/documents/in/{group.guid}")
    check_a11y(page)
    page.click("text=New album")
    check_a11y(page)
    page.fill("#title", "Summer concert")
    page.select_option("#access", "container")
    page.click("button.primary")
    page.wait_for_url(re.compile(r".*/documents/\d+$"))
    album_url = page.url
    page.click("text=Upload files")
    check_a11y(page)
    page.set_input_files("#files", photos)
    page.click("button.primary")
    page.wait_for_url(album_url)
    assert page.locator(".gallery img").count() == 3
    # a refused file: the script shows the returned errors in the page, the form keeps its values
    svg = tmp_path / "drawing.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    page.click("text=Upload files")
    page.fill("#title", "Kept title")
    page.set_input_files("#files", str(svg))
    page.click("button.primary")
    page.locator("[role=alert]").wait_for()
    assert "SVG" in page.locator("[role=alert]").inner_text()
    assert page.input_value("#title") == "Kept title"
    assert "?folder=" in page.url  # sent by XMLHttpRequest: the page itself did not change
    check_a11y(page)
    assert errors == []

    other = new_page("en-GB")
    sign_in(other, url, "member")
    other.goto(album_url)
    assert other.locator("h1").inner_text() == "Summer concert"
    images = other.locator(".gallery img")
    assert images.count() == 3
    other.wait_for_function("() => [...document.querySelectorAll('.gallery img')]"
                            ".every(img => img.complete && img.naturalWidth > 0)")
    check_a11y(other)
    thumb_src = images.first.get_attribute("src")
    other.locator(".gallery a").first.click()
    assert other.locator(".doc-card").is_visible()
    check_a11y(other)

    visitor = new_page("en-GB")
    response = visitor.goto(album_url)
    assert response.status == 404
    assert visitor.goto(url + thumb_src).status == 404
