"""search.matching: a subquery of matching guids that a plugin combines with its own filters."""

import pytest

pytestmark = pytest.mark.site(plugins=["wire"])


def test_matching_is_a_subquery_of_guids_for_every_word(signed_in, app):
    from core import search
    from core.db import database
    from core.models import Entity

    ada = signed_in("ada")
    ada.post_form("/wire/", {"body": "Fête du jardin partagé", "access": "public"})
    ada.post_form("/wire/", {"body": "Jardinage au lycée", "access": "public"})
    with database.connection_context():
        def titles(words):
            sub = search.matching(words)
            return sorted(e.title for e in Entity.select().where(Entity.guid.in_(sub)))

        assert len(titles("jardin")) == 2  # the last word is a prefix
        assert titles("fete jardin") == [t for t in titles("jardin") if "partag" in t.lower() or "fête" in t.lower()]
        assert titles("lycee") and titles("nothing-here") == []
        assert search.matching("  ,; ") is None
