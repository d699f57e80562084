"""The search engine on SQLite (FTS5) and PostgreSQL (GIN): words, prefixes, pages, access, purge."""

import re

import pytest

from core import moderation, relationships, search
from core.db import database, is_postgres
from core.models import Entity

pytestmark = pytest.mark.site(plugins=["wire"])


def post(client, body, access="public"):
    client.post_form("/wire/", {"body": body, "access": access})
    with database.connection_context():
        return Entity.select().where(Entity.kind == "wire.status").order_by(Entity.guid.desc()).first().guid


def test_every_word_must_match_and_the_last_one_is_a_prefix(signed_in, client):
    ada = signed_in("ada")
    post(ada, "Fête du jardin partagé samedi")
    post(ada, "Atelier vélo dimanche")
    assert "Fête du jardin" in client.get("/search?q=jard").text
    assert "Fête du jardin" in client.get("/search?q=FETE+samedi").text
    assert "Fête du jardin" not in client.get("/search?q=fete+dimanche").text
    assert "Atelier" in client.get("/search?q=velo").text
    # punctuation and operators are words, never query syntax
    assert client.get("/search?q=jardin+%26+%22%27%3A*+OR+(").status_code == 200
    assert client.get("/search?q=%22%22").status_code == 200


def test_results_are_paged_by_keyset_without_duplicates(signed_in, client):
    ada = signed_in("ada")
    for i in range(search.PAGE + 3):
        post(ada, f"Annonce numéro n{i:02d} du marché")
    first = client.get("/search?q=marche").text
    seen = set(re.findall(r"n(\d\d) du marché", first))
    assert len(seen) == search.PAGE
    more = re.search(r'href="(/search\?q=marche[^"]*before=\d+)"', first)
    assert more, "a link to the next page"
    second = client.get(more.group(1).replace("&amp;", "&")).text
    rest = set(re.findall(r"n(\d\d) du marché", second))
    assert len(rest) == 3 and not rest & seen


def test_private_connections_members_hidden_trashed_and_blocked_content_never_found(app, signed_in, client):
    ada, bob, eve = signed_in("ada"), signed_in("bob"), signed_in("eve")
    post(ada, "Zibeline publique", "public")
    post(ada, "Zibeline privée", "private")
    post(ada, "Zibeline réseau", "connections")
    post(ada, "Zibeline adhérents", "members")
    hidden = post(ada, "Zibeline masquée", "public")
    trashed = post(ada, "Zibeline jetée", "public")
    with database.connection_context():
        Entity.update(hidden=True).where(Entity.guid == hidden).execute()
    ada.post_form(f"/wire/{trashed}/delete", {}, token_from=f"/wire/{trashed}")
    with database.connection_context():
        relationships.block(app.runtime("test"), ada.account.guid, eve.account.guid)

    def found(who):
        return set(re.findall(r"Zibeline (\w+)", who.get("/search?q=zibeline").text))

    assert found(client) == {"publique"}
    assert found(bob) == {"publique", "adhérents"}
    assert found(eve) == {"publique"}  # blocked: only what is public
    assert found(ada) == {"publique", "privée", "réseau", "adhérents", "masquée"}
    # the kind filter cannot widen anything
    assert set(re.findall(r"Zibeline (\w+)", client.get("/search?q=zibeline&kind=wire.status").text)) == {"publique"}


def test_reindexing_replaces_the_old_text_and_purge_forgets_it(app, signed_in, client):
    ada = signed_in("ada")
    ada.post_form(f"/members/{ada.account.guid}/edit", {"name": "Ada Ornithologue", "bio": ""})
    ada.post_form(f"/members/{ada.account.guid}/edit", {"name": "Ada Botaniste", "bio": ""})
    assert "Ada Botaniste" in client.get("/search?q=botaniste").text
    assert "Ada" not in client.get("/search?q=ornithologue").text.split("</form>", 1)[1]
    guid = post(ada, "Grainothèque ouverte")
    ada.post_form(f"/wire/{guid}/delete", {}, token_from=f"/wire/{guid}")
    site = app.runtime("test")
    with database.connection_context():
        assert moderation.purge(site, days=0) >= 1
        assert not search.SearchDocument.select().where(search.SearchDocument.entity == guid).exists()
        if not is_postgres():  # the FTS5 index follows its content table
            database.execute_sql("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
    assert "Grainothèque" not in client.get("/search?q=grainotheque").text


def test_small_slices_give_the_same_pages(signed_in, client, monkeypatch):
    monkeypatch.setattr(search, "SLICE", 2)  # SQLite reads FTS matches slice by slice
    ada, bob = signed_in("ada"), signed_in("bob")
    for i in range(search.PAGE + 3):
        post(ada, f"Panier n{i:02d} solidaire", "private" if i % 3 == 0 else "public")
    first = client.get("/search?q=panier").text
    seen = set(re.findall(r"n(\d\d) solidaire", first))
    more = re.search(r'href="(/search\?q=panier[^"]*before=\d+)"', first)
    rest = set(re.findall(r"n(\d\d) solidaire", client.get(more.group(1).replace("&amp;", "&")).text)) if more else set()
    public = {f"{i:02d}" for i in range(search.PAGE + 3) if i % 3}
    assert seen | rest == public and not seen & rest
    assert len(set(re.findall(r"n(\d\d) solidaire", bob.get("/search?q=panier").text))) == len(public)
