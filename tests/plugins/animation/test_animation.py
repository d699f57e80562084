"""The animation plugin: who sees the dashboard, aggregated figures and their trend, lists limited
to what the animator may see, the territory, CSV exports, charts, introductions, featured items."""

import csv
import datetime as dt
import io

import pytest

from core import delegation, entities
from core.db import database, now
from core.models import Account, Activity, Entity
from plugins.animation import introductions
from plugins.animation.aggregate import aggregate
from plugins.animation.models import DailyFigure, Introduction

pytestmark = pytest.mark.site(plugins=["directory", "agenda", "groups", "forums", "animation"], language="en")


def _card(client, name, **extra):
    data = {"name": name, "postcode": "80000", "commune": "Amiens", "access": "public"}
    data.update(extra)
    response = client.post_form("/directory/new", data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rstrip("/").split("/")[-1].split("-")[0])


def _age(guid, days):
    """Date an entity (and its card's updates) ``days`` ago."""
    when = now() - dt.timedelta(days=days)
    Entity.update(created=when, updated=when).where(Entity.guid == guid).execute()
    Activity.update(created=when).where((Activity.entity == guid) | (Activity.actor == guid)).execute()


def _aggregate(app):
    site = app.runtime("test")
    with database.connection_context():
        return aggregate(site, today=now().date() + dt.timedelta(days=1))


def test_only_administrators_and_animators_open_the_dashboard(app, client, signed_in):
    assert client.get("/animation/", follow_redirects=False).status_code in (302, 303)
    member = signed_in("bob")
    assert member.get("/animation/").status_code == 404
    assert "Animation" not in member.get("/").text
    admin = signed_in("ada", role="admin")
    assert admin.get("/animation/").status_code == 200
    animator = signed_in("cleo")
    with database.connection_context():
        delegation.grant(app.runtime("test"), animator.account, "animation")
    page = animator.get("/animation/")
    assert page.status_code == 200 and "No figures yet" in page.text


def test_figures_are_read_from_the_aggregation_with_their_trend(app, signed_in):
    admin = signed_in("ada", role="admin")
    old = _card(admin, "Club ancien")
    _card(admin, "Club nouveau")
    with database.connection_context():
        _age(old, 40)
        Account.update(created=now() - dt.timedelta(days=40)).where(Account.email == "ada@example.org").execute()
    first = _aggregate(app)
    again = _aggregate(app)
    assert first["through"] == again["through"]
    with database.connection_context():
        published = {row.day: row.value for row in DailyFigure.select().where(
            DailyFigure.figure == "published:directory.organisation")}
        assert sum(published.values()) == 2  # a rerun replaces, never adds
        cards = DailyFigure.get(DailyFigure.figure == "directory.cards", DailyFigure.period == 0)
        assert cards.value == 2
    page = admin.get("/animation/?period=30").text
    assert "Organisations with a card" in page and "Sign-ups" in page
    assert "against 1 the period before" in page  # one card in each 30-day period: +0 %
    exported = list(csv.reader(io.StringIO(admin.get("/animation/export/figures.csv?period=30").text.lstrip("\ufeff"))))
    row = next(r for r in exported if r[0] == "published:directory.organisation")
    assert row[4:] == ["1", "1"]


def test_a_chart_is_an_svg_without_script(app, signed_in):
    admin = signed_in("ada", role="admin")
    _card(admin, "Club")
    _aggregate(app)
    response = admin.get("/animation/chart/published:directory.organisation.svg?period=30")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in response.text and "<script" not in response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert admin.get("/animation/chart/nothing.svg").status_code == 404


def test_silent_cards_count_all_but_list_only_what_the_animator_sees(app, signed_in):
    admin = signed_in("ada", role="admin")
    public = _card(admin, "Club public silencieux")
    private = _card(admin, "Club privé silencieux")
    with database.connection_context():
        Entity.update(access="private").where(Entity.guid == private).execute()
        _age(public, 400)
        _age(private, 400)
    _aggregate(app)
    animator = signed_in("cleo")
    with database.connection_context():
        delegation.grant(app.runtime("test"), animator.account, "animation")
        assert DailyFigure.get(DailyFigure.figure == "directory.silent").value == 2
    names = animator.get("/animation/names/directory.silent").text
    assert "Club public silencieux" in names and "Club privé silencieux" not in names
    assert "Club privé silencieux" in admin.get("/animation/names/directory.silent").text


def test_territory_by_departement_and_commune_with_map_data_and_csv(app, signed_in):
    admin = signed_in("ada", role="admin")
    _card(admin, "Club d'Amiens", lat="49.894", lon="2.295")
    silent = _card(admin, "Club de Beauvais", postcode="60000", commune="Beauvais", lat="49.43", lon="2.08")
    with database.connection_context():
        _age(silent, 400)
    _aggregate(app)
    page = admin.get("/animation/territory?level=departement").text
    assert page.index("60 · Beauvais") < page.index("80 · Amiens")  # the most silent first, named by the gazetteer
    data = admin.get("/animation/territory.json?level=commune").json()
    labels = {f["properties"]["label"]: f["properties"] for f in data["features"]}
    assert labels["Beauvais"]["silent"] == 1 and labels["Amiens"]["cards"] == 1
    rows = list(csv.reader(io.StringIO(admin.get("/animation/export/commune.csv").text.lstrip("\ufeff"))))
    assert ["60000 Beauvais", "Beauvais", "30", "1", "0", "1"] in [r[:6] for r in rows]
    assert admin.get("/animation/export/secrets.csv").status_code == 404


def test_introduction_notifies_both_and_connects_in_one_click(app, signed_in):
    admin = signed_in("ada", role="admin")
    bob, cleo, dan = signed_in("bob"), signed_in("cleo"), signed_in("dan")
    card = _card(cleo, "Club de Cléo")
    response = admin.post_form("/animation/introduce", {"first": f"/directory/{card}", "second": "Bob",
                                                        "message": "Vous cherchez tous deux des bénévoles."},
                               follow_redirects=False)
    assert response.status_code == 303, response.text
    url = response.headers["location"]
    assert "Ada introduces you to Bob" in cleo.get("/notifications").text
    assert "Ada introduces you to Club de Cléo" in bob.get("/notifications").text
    assert dan.get(url).status_code == 404
    assert signed_in("eve", role="admin").get(url).status_code == 200  # every animator follows introductions
    assert "Ada introduces you to Club de Cléo" in bob.get(url).text
    bob.post_form(url + "/connect", {}, token_from=url)
    cleo.post_form(url + "/connect", {}, token_from=url)
    assert "You are connected with Bob" in cleo.get(url).text
    with database.connection_context():
        row = Introduction.get()
        assert row.connected is not None
        counts = introductions.summary(app.runtime("test"), now() - dt.timedelta(days=1), now() + dt.timedelta(1))
    assert counts == {"made": 1, "connected": 1}


def test_an_introduction_form_comes_back_filled_with_the_reason(app, signed_in):
    admin = signed_in("ada", role="admin")
    signed_in("bob")
    response = admin.post_form("/animation/introduce", {"first": "Bob", "second": "Nobody at all",
                                                        "message": "Parce que."})
    assert response.status_code == 400
    assert "names no member or organisation you can see" in response.text and "Parce que." in response.text


def test_featured_items_on_the_home_page_in_order_until_their_date(app, client, signed_in):
    admin = signed_in("ada", role="admin")
    first, second = _card(admin, "Club à la une"), _card(admin, "Club en second")
    hidden = _card(admin, "Club privé", access="members")
    assert admin.post_form("/animation/featured", {"item": f"http://127.0.0.1:8000/directory/{second}"}).status_code == 200
    admin.post_form("/animation/featured", {"item": f"/directory/{first}"})
    refused = admin.post_form("/animation/featured", {"item": f"/directory/{hidden}"})
    assert refused.status_code == 400 and "Only public items" in refused.text
    home = _featured_block(client.get("/").text)
    assert home.index("Club en second") < home.index("Club à la une")
    featured_page = admin.get("/animation/featured").text
    assert "Club privé" not in featured_page.split("In this order")[1]
    with database.connection_context():
        from plugins.animation.models import Featured

        first_row = Featured.get(Featured.entity == first)
        Featured.update(until=now().date() - dt.timedelta(days=1)).where(Featured.id == first_row.id).execute()
    assert "Club à la une" not in _featured_block(client.get("/").text)
    assert "Club en second" in _featured_block(client.get("/").text)


def _featured_block(page):
    return page.split('class="list animation-featured"', 1)[1].split("</ul>", 1)[0]


def test_plugins_add_their_figures_through_the_hook(app, signed_in):
    app.ensure()
    site = app.runtime("test")
    names = {f.name for f in site.call("maillage_adoption_figures", site=site)}
    assert {"agenda.without_participant", "forums.unanswered", "directory.silent"} <= names
    with database.connection_context():
        user = Account.get_or_none(Account.role == "admin")
        assert user is None or entities.can(site, user, "animation.dashboard")


@pytest.mark.site(plugins=["directory", "messages", "animation"], language="en")
def test_an_animator_writes_to_the_managers_of_a_departements_silent_cards(app, signed_in):
    admin = signed_in("ada", role="admin")
    bob = signed_in("bob")
    silent = _card(bob, "Club silencieux", postcode="60000", commune="Beauvais")
    _card(bob, "Club actif", postcode="60000", commune="Beauvais")
    elsewhere = _card(bob, "Club d'Amiens silencieux")
    with database.connection_context():
        _age(silent, 400)
        _age(elsewhere, 400)
    _aggregate(app)
    assert "Write to them" in admin.get("/animation/territory").text
    form = admin.get("/animation/write?which=silent&departement=60").text
    assert "Club silencieux" in form and "Club actif" not in form and "Club d'Amiens" not in form
    refused = admin.post_form("/animation/write", {"which": "silent", "departement": "60", "subject": "",
                                                   "body": "Bonjour"}, token_from="/animation/territory")
    assert refused.status_code == 400 and "Bonjour" in refused.text
    sent = admin.post_form("/animation/write", {"which": "silent", "departement": "60", "subject": "Nouvelles ?",
                                                "body": "Votre fiche date d'il y a un an."},
                           token_from="/animation/territory")
    assert sent.status_code == 200 and "sent to 1 organisation" in sent.text
    inbox = bob.get("/messages/").text
    assert "Nouvelles ?" in inbox


def test_featured_items_are_in_the_digest(app, signed_in, use_smtp):
    from core import notifications

    admin = signed_in("ada", role="admin")
    bob = signed_in("bob")
    card = _card(admin, "Club à la une")
    admin.post_form("/animation/featured", {"item": f"/directory/{card}"})
    site = app.runtime("test")
    with database.connection_context():
        notifications.Notification.create(site="test", recipient=bob.account.guid, event="core.test",
                                          text="Quelque chose", delivery="daily", created=now())
        notifications.send_digests(site, "daily")
    text = next(t for t in use_smtp.texts() if "Quelque chose" in t)
    assert "Featured:" in text and "Club à la une" in text and f"/directory/{card}" in text


def test_readers_of_past_periods_are_counted_from_the_days_members_came(app, signed_in):
    """A reader came during the period without contributing: counted from core.visits, so a member whose
    last sign-in is older (their session stayed open) still counts in each period they came."""
    from core import visits
    from plugins.animation import figures

    bob, cleo = signed_in("bob"), signed_in("cleo")
    site = app.runtime("test")
    readers = next(f for f in figures.CORE if f.name == "readers")
    today = now()
    with database.connection_context():
        Account.update(last_login=today - dt.timedelta(days=90)).execute()
        visits.Visit.delete().execute()
        for guid in (bob.account.guid, cleo.account.guid):
            for days in (10, 45):
                visits.record("test", guid, (today - dt.timedelta(days=days)).date())
        for days in (10, 45):  # cleo also contributes each time: never a reader
            Activity.create(site="test", actor=cleo.account.guid, verb="commented", entity=cleo.account.guid,
                            kind="user", created=today - dt.timedelta(days=days))
        this_month = readers.count(site, today - dt.timedelta(days=30), today + dt.timedelta(days=1))
        month_before = readers.count(site, today - dt.timedelta(days=60), today - dt.timedelta(days=30))
        long_ago = readers.count(site, today - dt.timedelta(days=200), today - dt.timedelta(days=100))
    assert (this_month, month_before, long_ago) == (1, 1, 0)
