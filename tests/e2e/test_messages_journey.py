"""Association A's manager writes to association B from B's card; B's manager gets the mail and the
header badge, answers "for" B; A sees the reply. A visitor and an unrelated member get 404 on the
conversation's address (axe checks on each page)."""

import pytest

from core import sites
from core.db import database
from core.models import Entity, Relationship
from plugins.directory.models import Organisation

pytestmark = pytest.mark.e2e


def _card(owner, title):
    card = Entity.create(site="test", kind="directory.organisation", title=title, access="public", owner=owner.guid)
    Organisation.create(entity=card, commune="Amiens", postcode="80000", lat=49.895, lon=2.30)
    Relationship.create(site="test", subject=owner.guid, verb="manages", object=card.guid)
    return card


def test_an_association_writes_to_another_which_answers(live_site, new_page, check_a11y, smtp_server, members, sign_in):
    url = live_site(plugins=["directory", "messages"])
    ada, bob, *_ = members("Ada", "Bob", "Eve")
    with database.connection_context():
        a, b = _card(ada, "Les Amis du Jardin"), _card(bob, "Vélo Libre")
        sites.save_settings("test", smtp_server.settings)
    live_site.app.invalidate()
    from core.worker import Worker

    smtp_server.deliver = Worker(live_site.app).drain  # the mail queue's worker, run when the test reads mail

    writer = new_page()
    sign_in(writer, url, "ada")
    writer.click(".user-menu > summary")
    writer.select_option("#acting-as", str(a.guid))
    writer.click(".acting-switch button")
    writer.goto(f"{url}/directory/{b.guid}")
    writer.click(f"a[href='/messages/new?to={b.guid}&sender={a.guid}']")
    check_a11y(writer)
    writer.fill("#f-subject", "Prêt de tables")
    writer.fill("#f-body", "Pourriez-vous nous prêter **six tables** samedi ?")
    writer.click("form.form button.primary")
    assert writer.locator(".flash", has_text="Message envoyé").is_visible(), writer.inner_text("main")
    conversation = writer.url.split("#")[0]
    assert "Ada pour Les Amis du Jardin" in writer.inner_text("main")
    check_a11y(writer)

    assert [m["To"] for m in smtp_server.messages] == ["bob@example.org"]
    mail = smtp_server.texts()[0]
    assert "six tables" in mail and "/messages/" + conversation.rsplit("/", 1)[1] in mail

    reader = new_page()
    sign_in(reader, url, "bob")
    badge = reader.locator(".site-header a[href='/messages/'] .badge")
    assert badge.inner_text().startswith("1")
    reader.click(".site-header a[href='/messages/']")
    assert "Pour Vélo Libre" in reader.inner_text("main")
    check_a11y(reader)
    reader.click("text=Prêt de tables")
    assert reader.locator("strong", has_text="six tables").is_visible()
    assert "Vous répondez pour Vélo Libre." in reader.inner_text("main")
    assert reader.locator(".site-header a[href='/messages/'] .badge").count() == 0  # read
    check_a11y(reader)
    reader.fill("#f-body", "Oui, passez vendredi soir.")
    reader.click("#last button.primary")
    assert "Bob pour Vélo Libre" in reader.inner_text("main")

    writer.goto(f"{url}/")
    assert writer.locator(".site-header a[href='/messages/'] .badge").inner_text().startswith("1")
    writer.goto(conversation)
    assert "Oui, passez vendredi soir." in writer.inner_text("main")
    assert "Bob pour Vélo Libre" in writer.inner_text("main")

    # the other pages of the plugin pass axe too: search, who may write to me, a letter's preview
    writer.goto(f"{url}/messages/search?q=tables")
    assert "Prêt de tables" in writer.inner_text("main")
    check_a11y(writer)
    writer.goto(f"{url}/messages/settings")
    check_a11y(writer)
    writer.goto(f"{url}/messages/letters/new?sender={a.guid}")
    writer.fill("#f-title", "Nouvelles du jardin")
    writer.fill("#f-body", "Les **tomates** sont plantées.")
    writer.click("button[value=preview]")
    assert writer.locator(".letter-preview strong", has_text="tomates").is_visible()
    check_a11y(writer)

    visitor = new_page()
    assert visitor.goto(conversation).status == 404
    outsider = new_page()
    sign_in(outsider, url, "eve")
    assert outsider.goto(conversation).status == 404
    check_a11y(outsider)
