"""Labels declared once per site (notification events, entity kinds) are shown in the reader's language.

The hooks declaring them run when the site's runtime is built, before any reader's language is
known: their text must be lazy (``gettext_lazy``) or it stays in the language of that moment.
"""

import contextvars
import gettext
import re

import pytest
from markupsafe import escape

from core import i18n
from core.accounts import Account
from core.db import database

ALL = ["agenda", "blog", "directory", "documents", "forums", "groups", "wire"]
pytestmark = pytest.mark.site(plugins=ALL, language="fr")


def english(text) -> str:
    """``text`` as shown with no catalog active (the msgid), without touching this thread's language."""

    def show():
        i18n.activate(gettext.NullTranslations(), "en")
        return str(text)

    return contextvars.copy_context().run(show)


def translated(site, labels) -> list[tuple[str, str]]:
    """``(english, french)`` for each label the French catalogs translate differently."""
    fr = site.translations("fr")
    pairs = [(english(label), fr.gettext(english(label))) for label in labels]
    return [(en, french) for en, french in pairs if en != french]


def test_notification_settings_list_every_event_in_the_reader_language(app, signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    site = app.runtime("test")
    pairs = translated(site, [e.label for e in site.notification_events.values()])
    assert ("A comment on my content", "Un commentaire sur mes contenus") in pairs  # the core's
    assert ("An invitation to join a group", "Une invitation à rejoindre un groupe") in pairs  # a plugin's
    assert {e.split(".")[0] for e in site.notification_events} == {"core", *ALL}
    page = ada.get("/notifications/settings").text
    for en, fr in pairs:
        assert str(escape(fr)) in page, en
        assert str(escape(en)) not in page
    with database.connection_context():  # a member who chose English on the same French site
        Account.update(language="en").where(Account.entity == bob.account.guid).execute()
    page = bob.get("/notifications/settings").text
    for en, fr in pairs:
        assert str(escape(en)) in page and str(escape(fr)) not in page
    admin = signed_in("zoe", role="admin").get("/admin/notifications").text  # the site's defaults
    assert "Un commentaire sur mes contenus" in admin and "Une invitation à rejoindre un groupe" in admin


def test_search_kind_filter_names_kinds_in_the_reader_language(app, client):
    site = app.runtime("test")
    kinds = [k.plural or k.label for k in site.entity_kinds.values() if k.name != "comment"]
    pairs = translated(site, kinds)
    assert ("Events", "Événements") in pairs and ("Members", "Membres") in pairs
    page = client.get("/search").text
    options = re.search(r'<select id="kind".*?</select>', page, re.S).group(0)
    for en, fr in pairs:
        assert f">{escape(fr)}</option>" in options, en
        assert f">{escape(en)}</option>" not in options


def test_plugin_settings_forms_are_in_the_reader_language(signed_in):
    admin = signed_in("zoe", role="admin")
    page = admin.get("/admin/plugins/agenda").text  # label, help and choices of a settings field
    for text in ("Service de géocodage des adresses", "API Adresse nationale",
                 "Appelé par le serveur quand un organisateur donne une adresse sans point sur la carte."):
        assert text in page
    page = admin.get("/admin/plugins/groups").text
    assert "Qui peut créer des groupes" in page and "Tous les membres" in page
    saved = admin.post_form("/admin/plugins/groups", {"who_can_create": "moderators"},
                            token_from="/admin/plugins/groups", follow_redirects=False)
    assert saved.status_code == 303


def test_the_plugins_page_names_and_describes_plugins_in_the_reader_language(signed_in):
    """Label and description come from plugin.toml (English) and its plugin's catalog (French)."""
    admin = signed_in("zoe", role="admin")
    page = admin.get("/admin/plugins").text
    assert "Annuaire géolocalisé des organisations" in page and "Geolocated directory" not in page
    assert "Des sujets de discussion dans les groupes" in page
    with database.connection_context():
        Account.update(language="en").where(Account.email == "zoe@example.org").execute()
    page = admin.get("/admin/plugins").text
    assert "Geolocated directory of organisations" in page and "Annuaire géolocalisé" not in page
