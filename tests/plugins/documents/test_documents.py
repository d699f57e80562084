"""Uploading, listing and downloading documents; versions, folders, links, access on every request."""

import pytest

from plugins.documents.serving import content_disposition

pytestmark = pytest.mark.site(plugins=["documents"], language="en")


def test_upload_list_and_download(signed_in, client, h):
    ada = signed_in("ada")
    response = h.upload(ada, [("report.pdf", h.pdf(3))], {"title": "Annual report", "description": "2026",
                                                           "tags": "report, money"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    guid = h.guid_from(response)
    page = ada.get(f"/documents/{guid}")
    assert "Annual report" in page.text and "PDF" in page.text and "report" in page.text
    assert ">3<" in page.text  # pages on the summary card
    listing = client.get("/documents/")
    assert "Annual report" in listing.text
    download = client.get(f"/documents/{guid}/download")
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF") and download.headers["content-length"] == str(len(download.content))
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["accept-ranges"] == "bytes"
    assert download.headers["content-disposition"].startswith("inline; filename=\"report.pdf\"")
    attachment = client.get(f"/documents/{guid}/download?download=1")
    assert attachment.headers["content-disposition"].startswith("attachment;")


def test_private_file_is_404_for_others_on_every_url(signed_in, client, h):
    ada, bob = signed_in("ada"), signed_in("bob")
    response = h.upload(ada, [("secret.png", h.image("PNG"))], {"access": "private"}, follow_redirects=False)
    guid = h.guid_from(response)
    for path in (f"/documents/{guid}", f"/documents/{guid}/download", f"/documents/{guid}/thumb",
                 f"/documents/{guid}/download?version=1"):
        assert ada.get(path).status_code == 200, path
        assert bob.get(path).status_code == 404, path
        assert client.get(path).status_code == 404, path
    assert "secret" not in client.get("/documents/").text
    assert "secret" not in bob.get("/documents/").text
    # the access check runs on every request: making it public opens it, private again closes it
    from core.db import database
    from core.models import Entity

    with database.connection_context():
        Entity.update(access="public").where(Entity.guid == guid).execute()
    assert client.get(f"/documents/{guid}/download").status_code == 200
    with database.connection_context():
        Entity.update(access="private").where(Entity.guid == guid).execute()
    assert client.get(f"/documents/{guid}/download").status_code == 404


def test_several_files_at_once_into_a_folder(signed_in, h):
    ada = signed_in("ada")
    response = ada.post_form("/documents/folders/new", {"title": "Photos", "access": "members", "album": "1"},
                             token_from="/documents/folders/new", follow_redirects=False)
    assert response.status_code == 303
    folder = h.guid_from(response)
    files = [("a.jpg", h.jpeg()), ("b.png", h.image("PNG")), ("notes.txt", b"hello")]
    response = h.upload(ada, files, {"folder": str(folder), "access": "members"},
                        path=f"/documents/upload?folder={folder}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/documents/{folder}"
    page = ada.get(f"/documents/{folder}")
    assert page.text.count('class="gallery"') == 1
    assert "a.jpg" in page.text and "b.png" in page.text and "notes.txt" in page.text


def test_new_versions_keep_the_older_ones(signed_in, client, h):
    ada = signed_in("ada")
    guid = h.guid_from(h.upload(ada, [("plan.txt", b"version one")], follow_redirects=False))
    token = ada.csrf(f"/documents/{guid}")
    response = ada.post(f"/documents/{guid}/versions", data={"csrf_token": token},
                        files=[("file", ("plan.txt", b"version two", "text/plain"))], follow_redirects=False)
    assert response.status_code == 303
    assert client.get(f"/documents/{guid}/download").content == b"version two"
    assert client.get(f"/documents/{guid}/download?version=1").content == b"version one"
    assert client.get(f"/documents/{guid}/download?version=2").content == b"version two"
    assert client.get(f"/documents/{guid}/download?version=3").status_code == 404
    assert "Version 1" in ada.get(f"/documents/{guid}").text
    bob = signed_in("bob")
    token = bob.csrf(f"/documents/{guid}")
    refused = bob.post(f"/documents/{guid}/versions", data={"csrf_token": token},
                       files=[("file", ("plan.txt", b"hijack", "text/plain"))], follow_redirects=False)
    assert refused.status_code == 403


def test_links(signed_in, client, h):
    ada = signed_in("ada")
    bad = ada.post_form("/documents/links/new", {"title": "x", "url": "javascript:alert(1)", "access": "public"},
                        token_from="/documents/links/new")
    assert bad.status_code == 400 and "http://" in bad.text and 'value="x"' in bad.text
    response = ada.post_form("/documents/links/new", {"title": "Useful", "url": "https://example.org/a",
                                                      "note": "A good read", "access": "public"},
                             token_from="/documents/links/new", follow_redirects=False)
    guid = h.guid_from(response)
    page = client.get(f"/documents/{guid}")
    assert 'href="https://example.org/a"' in page.text and "A good read" in page.text


def test_content_disposition_is_rfc6266():
    value = content_disposition('été "rapport"; final.pdf', inline=False)
    assert value == ("attachment; filename=\"_t_ _rapport__ final.pdf\"; "
                     "filename*=UTF-8''%C3%A9t%C3%A9%20%22rapport%22%3B%20final.pdf")


def test_delete_moves_to_trash(signed_in, client, h):
    ada = signed_in("ada")
    guid = h.guid_from(h.upload(ada, [("a.txt", b"abc")], follow_redirects=False))
    bob = signed_in("bob")
    assert bob.post_form(f"/documents/{guid}/delete", {}, token_from="/documents/").status_code == 403
    response = ada.post_form(f"/documents/{guid}/delete", {}, token_from="/documents/", follow_redirects=False)
    assert response.status_code == 303
    assert client.get(f"/documents/{guid}/download").status_code == 404


@pytest.fixture
def text_doc(signed_in, h):
    ada = signed_in("ada")
    return h.guid_from(h.upload(ada, [("digits.txt", b"0123456789abcdefghij")], follow_redirects=False))


@pytest.mark.parametrize(("header", "status", "body", "content_range"), [
    ("bytes=0-9", 206, b"0123456789", "bytes 0-9/20"),
    ("bytes=10-", 206, b"abcdefghij", "bytes 10-19/20"),
    ("bytes=-5", 206, b"fghij", "bytes 15-19/20"),
    ("bytes=15-100", 206, b"fghij", "bytes 15-19/20"),
    ("bytes=-100", 206, b"0123456789abcdefghij", "bytes 0-19/20"),
    ("bytes=20-30", 416, b"", "bytes */20"),
    ("bytes=9-3", 416, b"", "bytes */20"),
    ("bytes=abc", 416, b"", "bytes */20"),
    ("bytes=-0", 416, b"", "bytes */20"),
    ("bytes=0-1,5-6", 200, b"0123456789abcdefghij", None),
    ("lines=0-1", 200, b"0123456789abcdefghij", None),
])
def test_range_requests(client, text_doc, header, status, body, content_range):
    response = client.get(f"/documents/{text_doc}/download", headers={"Range": header})
    assert response.status_code == status
    assert response.content == body
    assert response.headers.get("content-range") == content_range
    if status == 206:
        assert int(response.headers["content-length"]) == len(body)


def test_if_range_and_etag(client, text_doc):
    first = client.get(f"/documents/{text_doc}/download")
    etag = first.headers["etag"]
    same = client.get(f"/documents/{text_doc}/download", headers={"Range": "bytes=0-1", "If-Range": etag})
    assert same.status_code == 206 and same.content == b"01"
    stale = client.get(f"/documents/{text_doc}/download", headers={"Range": "bytes=0-1", "If-Range": '"old"'})
    assert stale.status_code == 200 and len(stale.content) == 20
    assert client.get(f"/documents/{text_doc}/download", headers={"If-None-Match": etag}).status_code == 304


def test_range_on_a_private_file_still_checks_access(signed_in, client, h):
    ada = signed_in("ada")
    guid = h.guid_from(h.upload(ada, [("s.txt", b"secret data")], {"access": "private"}, follow_redirects=False))
    assert client.get(f"/documents/{guid}/download", headers={"Range": "bytes=0-3"}).status_code == 404
    assert ada.get(f"/documents/{guid}/download", headers={"Range": "bytes=0-3"}).content == b"secr"


def test_items_are_never_wider_open_than_their_folder(signed_in, h):
    ada = signed_in("ada")
    folder = h.guid_from(ada.post_form("/documents/folders/new", {"title": "Board", "access": "members"},
                                       token_from="/documents/folders/new", follow_redirects=False))
    form = ada.get(f"/documents/upload?folder={folder}").text
    assert 'value="public"' not in form and 'value="members" selected' in form
    response = h.upload(ada, [("a.txt", b"x")], {"folder": str(folder), "access": "public"},
                        path=f"/documents/upload?folder={folder}")
    assert response.status_code == 400 and "Choose who may see" in response.text


def test_pages_in_french(make_app, signed_in, h):
    make_app(plugins=["documents"], language="fr")
    ada = signed_in("ada")
    assert "Envoyer des fichiers" in ada.get("/documents/upload").text
    response = h.upload(ada, [("x.pdf", h.jpeg())])
    assert "mais le contenu est un fichier JPEG" in response.text
    guid = h.guid_from(h.upload(ada, [("notes.txt", b"n" * 1500)], follow_redirects=False))
    assert "1,5\u00a0ko" in ada.get(f"/documents/{guid}").text


def test_head_request_and_purged_folder_contents_move_up(app, signed_in, client, h):
    ada = signed_in("ada")
    outer = h.guid_from(ada.post_form("/documents/folders/new", {"title": "Outer", "access": "public"},
                                      token_from="/documents/folders/new", follow_redirects=False))
    inner = h.guid_from(ada.post_form("/documents/folders/new", {"title": "Inner", "access": "public",
                                                                 "folder": str(outer)},
                                      token_from="/documents/folders/new", follow_redirects=False))
    response = h.upload(ada, [("a.txt", b"abc")], {"folder": str(inner)}, path=f"/documents/upload?folder={inner}",
                        follow_redirects=False)
    assert response.status_code == 303
    head = client.head(f"/documents/{outer}")
    assert head.status_code == 200
    from core.db import database
    from core.models import Entity
    from plugins.documents.models import Item

    with database.connection_context():
        doc = Item.get(Item.folder == inner).entity_id
        site = app.runtime("test")
        site.call("maillage_entity_deleted", site=site, entity=Entity.get_by_id(inner))
        assert Item.get_by_id(doc).folder_id == outer
    download = client.head(f"/documents/{doc}/download")
    assert download.status_code == 200 and download.headers["content-length"] == "3" and download.content == b""


def test_some_files_refused_others_kept(signed_in, h):
    ada = signed_in("ada")
    response = h.upload(ada, [("good.txt", b"fine"), ("bad.svg", b"<svg onload='x'></svg>"), ("ok.csv", b"a,b\n")])
    assert response.status_code == 200  # followed to the library
    assert "2 files added." in response.text and "SVG images" in response.text
    assert "good.txt" in response.text and "ok.csv" in response.text


def test_edit_details(signed_in, client, h):
    ada = signed_in("ada")
    guid = h.guid_from(h.upload(ada, [("a.txt", b"abc")], follow_redirects=False))
    assert "Edit the details" in ada.get(f"/documents/{guid}").text
    bad = ada.post_form(f"/documents/{guid}/edit", {"title": "", "description": "kept", "access": "public"})
    assert bad.status_code == 400 and ">kept</textarea>" in bad.text
    response = ada.post_form(f"/documents/{guid}/edit", {"title": "Minutes", "description": "March",
                                                         "tags": "ag; board", "access": "private"},
                             follow_redirects=False)
    assert response.status_code == 303
    page = ada.get(f"/documents/{guid}").text
    assert "Minutes" in page and "March" in page and "board" in page
    assert client.get(f"/documents/{guid}").status_code == 404
    bob = signed_in("bob")
    assert bob.get(f"/documents/{guid}/edit").status_code == 404
    link = h.guid_from(ada.post_form("/documents/links/new", {"title": "L", "url": "https://a.example",
                                                              "access": "public"},
                                     token_from="/documents/links/new", follow_redirects=False))
    assert bob.get(f"/documents/{link}/edit").status_code == 403
    bad = ada.post_form(f"/documents/{link}/edit", {"title": "L", "url": "ftp://x", "access": "public"})
    assert bad.status_code == 400 and "http://" in bad.text


def test_description_is_markdown_cleaned(signed_in, client, h):
    ada = signed_in("ada")
    guid = h.guid_from(h.upload(ada, [("a.txt", b"x")], {"description": "**Bold** <script>alert(1)</script>"},
                                follow_redirects=False))
    page = client.get(f"/documents/{guid}").text
    assert "<strong>Bold</strong>" in page and "<script>alert" not in page


def test_album_upload_form_proposes_images(signed_in, h):
    ada = signed_in("ada")
    album = h.guid_from(ada.post_form("/documents/folders/new", {"title": "A", "access": "public", "album": "1"},
                                      token_from="/documents/folders/new", follow_redirects=False))
    assert 'accept="image/jpeg' in ada.get(f"/documents/upload?folder={album}").text
    assert "accept=" not in ada.get("/documents/upload").text


def test_move_a_document_between_folders(signed_in, h):
    ada, bob = signed_in("ada"), signed_in("bob")

    def new_folder(client, title, access="public"):
        return h.guid_from(client.post_form("/documents/folders/new", {"title": title, "access": access},
                                            token_from="/documents/folders/new", follow_redirects=False))

    first, board, theirs = new_folder(ada, "First"), new_folder(ada, "Board", "members"), new_folder(bob, "Bob's")
    doc = h.guid_from(h.upload(ada, [("a.txt", b"x")], follow_redirects=False))
    form = ada.get(f"/documents/{doc}/edit").text
    assert f'value="{board}"' in form and f'value="{theirs}"' not in form  # only where ada may add
    base = {"title": "a.txt", "access": "public"}
    assert ada.post_form(f"/documents/{doc}/edit", {**base, "folder": str(first)},
                         follow_redirects=False).status_code == 303
    assert "a.txt" in ada.get(f"/documents/{first}").text
    refused = ada.post_form(f"/documents/{doc}/edit", {**base, "folder": str(theirs)})
    assert refused.status_code == 400 and "proposed folders" in refused.text
    wider = ada.post_form(f"/documents/{doc}/edit", {**base, "folder": str(board)})
    assert wider.status_code == 400  # public inside a members-only folder
    moved = ada.post_form(f"/documents/{doc}/edit", {**base, "access": "members", "folder": str(board)},
                          follow_redirects=False)
    assert moved.status_code == 303
    assert "a.txt" in ada.get(f"/documents/{board}").text and "a.txt" not in ada.get(f"/documents/{first}").text
    top = ada.post_form(f"/documents/{doc}/edit", {**base, "folder": ""}, follow_redirects=False)
    assert top.status_code == 303 and "a.txt" in ada.get("/documents/").text
    # a folder keeps its place when its details change
    inner = h.guid_from(ada.post_form("/documents/folders/new", {"title": "Inner", "access": "public",
                                                                 "folder": str(first)},
                                      token_from="/documents/folders/new", follow_redirects=False))
    ada.post_form(f"/documents/{inner}/edit", {"title": "Inner 2", "access": "public"})
    assert "Inner 2" in ada.get(f"/documents/{first}").text


def test_a_folder_in_the_feed_reads_like_every_activity(signed_in):
    """The feed item names the member with a link to them and says when, as the other kinds' items do."""
    ada = signed_in("ada")
    folder = ada.post_form("/documents/folders/new", {"title": "Minutes", "access": "members"},
                           token_from="/documents/folders/new", follow_redirects=False)
    guid = int(folder.headers["location"].rsplit("/", 1)[1])
    home = ada.get("/").text
    item = home[home.index(f'href="/documents/{guid}"') - 400:].split("</p>", 1)[0]
    assert f'<a href="/members/{ada.account.guid}">' in item and "created a folder" in item and "<time " in item
    assert " · " not in item
