"""Search finds what the viewer may see, and nothing else, on SQLite and PostgreSQL."""

import pytest

pytestmark = pytest.mark.site(plugins=["wire"])


def test_search_respects_access_and_kinds(signed_in, client):
    ada = signed_in("ada")
    ada.post_form("/wire/", {"body": "Fête du jardin partagé samedi", "access": "public"})
    ada.post_form("/wire/", {"body": "Réunion secrète du jardin", "access": "private"})
    visitor = client.get("/search?q=jardin").text
    assert "Fête du jardin" in visitor and "Réunion secrète" not in visitor
    mine = ada.get("/search?q=jardin").text
    assert "Fête du jardin" in mine and "Réunion secrète" in mine
    assert "Fête du jardin" in client.get("/search?q=fete").text  # accents ignored
    assert "Fête du jardin" not in client.get("/search?q=jardin&kind=user").text


def test_members_are_found_by_name_once_their_profile_is_saved(signed_in, client):
    ada = signed_in("ada")
    ada.post_form(f"/members/{ada.account.guid}/edit", {"name": "Ada Lovelace", "bio": "Apicultrice"})
    assert "Ada Lovelace" in client.get("/search?q=apicultrice").text


def test_hidden_and_trashed_content_is_not_found(signed_in, client):
    from core.db import database
    from core.models import Entity

    ada = signed_in("ada")
    ada.post_form("/wire/", {"body": "Vide-grenier dimanche", "access": "public"})
    with database.connection_context():
        Entity.update(hidden=True).where(Entity.kind == "wire.status").execute()
    assert "Vide-grenier" not in client.get("/search?q=grenier").text
