"""The veille: sharing and qualifying links, lists by theme, tag, month and place, feeds, votes,
duplicates merged, hostile addresses refused, CSRF."""

import datetime as dt

import feedparser
import pytest

from core.db import database, now
from core.models import Entity
from plugins.veille.models import Link, Note

TAXONOMY = """
[[taxonomy]]
key = "culture"
label = "Culture"
children = [{ key = "musique", label = "Musique" }]

[[taxonomy]]
key = "sport"
label = "Sport"
"""

pytestmark = pytest.mark.site(plugins=["veille"], language="en", toml=TAXONOMY)


def share(client, **fields):
    form = {"url": "https://example.org/guide", "title": "Le guide", "description": "Un guide utile.",
            "note": "Lisez la **partie 2**.", "rating": "4", "themes": ["culture"], "tags": "Guides, subventions",
            "access": "public", "container": ""}
    form.update(fields)
    return client.post_form("/veille/new", form, follow_redirects=False)


def links():
    with database.connection_context():
        return list(Link.select(Link, Entity).join(Entity, on=(Link.entity == Entity.guid)).order_by(Link.entity))


def test_share_a_link_with_note_rating_themes_and_tags(signed_in, client):
    ada = signed_in("ada")
    response = share(ada)
    assert response.status_code == 303
    [link] = links()
    assert response.headers["location"] == f"/veille/{link.entity_id}"
    assert link.url == "https://example.org/guide" and link.themes == ["culture"]
    assert link.tags == ["guides", "subventions"]
    page = client.get(f"/veille/{link.entity_id}").text
    assert "Le guide" in page and "<strong>partie 2</strong>" in page and "Rated 4 out of 5" in page
    assert "Le guide" in client.get("/veille/?theme=culture").text
    assert "Le guide" not in client.get("/veille/?theme=sport").text
    assert "Le guide" in client.get("/veille/?tag=subventions").text
    assert "Le guide" not in client.get("/veille/?tag=autre").text
    month = now().strftime("%Y-%m")
    assert "Le guide" in client.get(f"/veille/?month={month}").text
    assert "Le guide" not in client.get("/veille/?month=2001-01").text
    assert client.get("/veille/?month=demain").status_code == 400
    assert client.get("/veille/?theme=inconnu").status_code == 404


def test_a_sub_theme_is_listed_under_its_parent(signed_in, client):
    ada = signed_in("ada")
    share(ada, themes=["musique"], title="Partitions libres", url="https://example.org/partitions")
    assert "Partitions libres" in client.get("/veille/?theme=culture").text
    assert "Partitions libres" in client.get("/veille/?theme=musique").text


@pytest.mark.parametrize("address", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                     "ftp://example.org/x", "https://", "//example.org/x", "example.org"])
def test_a_hostile_or_wrong_address_is_refused(signed_in, address):
    ada = signed_in("ada")
    response = share(ada, url=address, note="Ma note précieuse")
    assert response.status_code == 400
    assert "Ma note précieuse" in response.text  # the form comes back filled
    assert links() == []


def test_the_same_page_shared_twice_in_one_place_is_merged_keeping_both_notes(signed_in, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    share(ada, url="https://www.example.org/guide/?utm_source=lettre#haut", note="Note d'Ada", rating="5")
    response = share(bob, url="http://example.org/guide", title="", note="Note de Bob", rating="3",
                     themes=["sport"], tags="guides, pratique")
    [link] = links()
    assert response.headers["location"] == f"/veille/{link.entity_id}"
    assert link.entity.owner_id == ada.account.guid
    assert link.themes == ["culture", "sport"] and link.tags == ["guides", "subventions", "pratique"]
    with database.connection_context():
        notes = [(n.author_id, n.body, n.rating) for n in Note.select().where(Note.link == link.entity_id)]
    assert notes == [(ada.account.guid, "Note d'Ada", 5), (bob.account.guid, "Note de Bob", 3)]
    page = client.get(f"/veille/{link.entity_id}").text
    assert "Note d'Ada" in page and "Note de Bob" in page and "2 ratings" in page
    # another page, or the same page elsewhere, is another link
    share(bob, url="https://example.org/guide/autre")
    assert len(links()) == 2


def test_useful_votes_count_once_per_reader_and_rank_the_week(signed_in, client):
    ada, bob, eve = signed_in("ada"), signed_in("bob"), signed_in("eve")
    share(ada, url="https://example.org/a", title="Lien A")
    share(ada, url="https://example.org/b", title="Lien B")
    first, second = links()
    for reader in (bob, eve):
        assert reader.post_form(f"/veille/{second.entity_id}/useful", {}, token_from="/veille/",
                                follow_redirects=False).status_code == 303
    bob.post_form(f"/veille/{first.entity_id}/useful", {}, token_from="/veille/")
    bob.post_form(f"/veille/{first.entity_id}/useful", {}, token_from="/veille/")  # taken back
    assert [link.useful for link in links()] == [0, 2]
    page = client.get("/veille/useful").text
    assert page.index("Lien B") < page.index("Lien A")
    assert client.post(f"/veille/{first.entity_id}/useful").status_code == 403  # no CSRF token


def test_forms_refuse_a_post_without_its_csrf_token(signed_in):
    ada = signed_in("ada")
    response = ada.post("/veille/new", data={"url": "https://example.org/x", "title": "Sans jeton"})
    assert response.status_code == 403
    assert links() == []
    share(ada)
    [link] = links()
    assert ada.post(f"/veille/{link.entity_id}", data={"note": "x"}).status_code == 403
    assert ada.post("/veille/subscriptions", data={"sub": "site:"}).status_code == 403


def test_every_form_of_the_pages_carries_the_session_token(signed_in):
    import re

    ada = signed_in("ada")
    share(ada)
    [link] = links()
    token = ada.csrf("/veille/")
    for path in ("/veille/", "/veille/new", f"/veille/{link.entity_id}", "/veille/subscriptions", "/veille/useful",
                 f"/veille/{link.entity_id}/edit"):
        forms = re.findall(r'<form method="post".*?</form>', ada.get(path).text, re.S)
        assert forms, path
        for form in forms:
            assert f'name="csrf_token" value="{token}"' in form, (path, form[:200])


def test_feeds_parse_and_follow_the_list_filters(signed_in, client):
    ada = signed_in("ada")
    share(ada, url="https://example.org/a", title="Concerts d'été", themes=["musique"])
    share(ada, url="https://example.org/b", title="Tournoi", themes=["sport"], tags="jeunes")
    share(ada, url="https://example.org/c", title="Réservé", access="members")
    feed = feedparser.parse(client.get("/veille/feed.atom").content)
    assert not feed.bozo
    assert {e.title for e in feed.entries} == {"Concerts d'été", "Tournoi"}
    assert feed.entries[0].link.endswith(f"/veille/{links()[1].entity_id}")
    culture = feedparser.parse(client.get("/veille/feed.atom?theme=culture").content)
    assert [e.title for e in culture.entries] == ["Concerts d'été"]
    tagged = feedparser.parse(client.get("/veille/feed.atom?tag=jeunes").content)
    assert [e.title for e in tagged.entries] == ["Tournoi"]
    useful = feedparser.parse(client.get("/veille/useful/feed.atom").content)
    assert not useful.bozo and "Réservé" not in {e.title for e in useful.entries}
    assert 'type="application/atom+xml"' in client.get("/veille/").text


def test_owner_edits_others_cannot_and_delete_goes_to_the_trash(signed_in, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    share(ada)
    [link] = links()
    form = {"title": "Nouveau titre", "description": "", "themes": ["sport"], "tags": "", "access": "public"}
    assert bob.post_form(f"/veille/{link.entity_id}/edit", form, token_from=f"/veille/{link.entity_id}").status_code == 403
    assert ada.post_form(f"/veille/{link.entity_id}/edit", form, follow_redirects=False).status_code == 303
    assert "Nouveau titre" in client.get(f"/veille/{link.entity_id}").text
    assert bob.post_form(f"/veille/{link.entity_id}/delete", {}, token_from=f"/veille/{link.entity_id}").status_code == 403
    ada.post_form(f"/veille/{link.entity_id}/delete", {}, token_from=f"/veille/{link.entity_id}")
    assert client.get(f"/veille/{link.entity_id}").status_code == 404


def test_a_member_adds_and_changes_their_own_note(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    share(ada)
    [link] = links()
    url = f"/veille/{link.entity_id}"
    assert bob.post_form(url, {"note": "Très clair", "rating": "9"}).status_code == 400
    bob.post_form(url, {"note": "Très clair", "rating": "5"})
    bob.post_form(url, {"note": "Très clair, mis à jour", "rating": "4"})
    with database.connection_context():
        assert [(n.body, n.rating) for n in Note.select().where(Note.author == bob.account.guid)] == [
            ("Très clair, mis à jour", 4)]


def test_the_links_of_one_member_and_their_feed(signed_in, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    share(ada, url="https://example.org/a", title="Lien d'Ada")
    share(bob, url="https://example.org/b", title="Lien de Bob")
    page = client.get(f"/veille/by/{ada.account.guid}").text
    assert "Lien d&#39;Ada" in page and "Lien de Bob" not in page
    assert f'href="/veille/by/{ada.account.guid}"' in client.get("/veille/").text
    feed = feedparser.parse(client.get(f"/veille/by/{bob.account.guid}/feed.atom").content)
    assert [e.title for e in feed.entries] == ["Lien de Bob"]
    assert client.get("/veille/by/999999").status_code == 404


def test_search_finds_a_link_by_its_note(signed_in, client):
    ada = signed_in("ada")
    share(ada, note="Le modèle de convention de partenariat")
    assert "Le guide" in client.get("/search?q=convention").text


def test_the_plugin_serves_nothing_once_disabled(make_app):
    from core import testing

    app = make_app(plugins=["blog"])
    with testing.client(app) as visitor:
        assert visitor.get("/veille/").status_code == 404


def test_dates_are_the_week_of_a_monday():
    from plugins.veille.links import normalise, week_of

    assert week_of(dt.date(2026, 11, 29)) == dt.date(2026, 11, 23)
    assert week_of(dt.datetime(2026, 11, 23, 0, 1)) == dt.date(2026, 11, 23)
    assert normalise("HTTPS://WWW.Example.org:443/a/?b=2&a=1&utm_medium=x#f") == "example.org/a?a=1&b=2"
    assert normalise("http://example.org:8080/") != normalise("http://example.org/")


def test_personal_data_export_and_deletion(signed_in, app):
    from core import personal_data
    from plugins.veille.models import Subscription, Vote

    ada, bob = signed_in("ada"), signed_in("bob")
    share(ada)
    [link] = links()
    bob.post_form(f"/veille/{link.entity_id}", {"note": "Note de Bob", "rating": "2"})
    bob.post_form(f"/veille/{link.entity_id}/useful", {}, token_from="/veille/")
    bob.post_form("/veille/subscribe", {}, token_from="/veille/")
    with database.connection_context():
        site = app.runtime("test")
        data = personal_data.collect(site, bob.account)
        assert [n["note"] for n in data["veille/notes.json"]] == ["Note de Bob"]
        assert len(data["veille/useful_votes.json"]) == 1 and len(data["veille/subscriptions.json"]) == 1
        personal_data.delete_account(site, bob.account, "anonymise")
        assert not Vote.select().exists() and not Subscription.select().exists()
        assert Link.get_by_id(link.entity_id).useful == 0
        kept = Note.get(Note.body == "Note de Bob")
        assert kept.author_id is None  # the note stays, unsigned
