"""The weekly synthesis: subscribers get the week's links of what they chose, grouped by theme, the
most useful first, with the notes; once per week even when run twice (or by the worker's job and
by hand); one-click unsubscribe; the archive pages."""

import datetime as dt
import re

import pytest

from core import testing
from core.db import database, now
from core.jobs import Job
from core.models import Entity
from plugins.veille import synthesis
from plugins.veille.links import week_of
from plugins.veille.models import Delivery, Link

TAXONOMY = """
[[taxonomy]]
key = "culture"
label = "Culture"

[[taxonomy]]
key = "sport"
label = "Sport"
"""

pytestmark = pytest.mark.site(plugins=["veille", "groups"], language="en", base_url="http://testserver",
                              toml=TAXONOMY)


def share(client, title, themes=(), note="", access="public", container=""):
    form = {"url": f"https://example.org/{title.lower().replace(' ', '-')}", "title": title, "description": "",
            "note": note, "rating": "4" if note else "", "themes": list(themes), "tags": "", "access": access,
            "container": container}
    response = client.post_form("/veille/new", form, token_from="/veille/new", follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def last_week():
    return week_of(now()) - dt.timedelta(days=7)


def into_last_week(guids):
    when = dt.datetime.combine(last_week(), dt.time(10))
    with database.connection_context():
        Entity.update(created=when).where(Entity.guid.in_(guids)).execute()


def texts_to(smtp, address):
    return [m.get_body(preferencelist=("plain",)).get_content() for m in smtp.messages if m["To"] == address]


@pytest.fixture
def week(signed_in, app):
    ada, bob, eve = signed_in("ada"), signed_in("bob"), signed_in("eve")
    guids = {
        "concert": share(ada, "Concert gratuit", ["culture"], note="Places limitées, réservez."),
        "musee": share(ada, "Nuit des musées", ["culture"], note="Le programme complet."),
        "stade": share(ada, "Stade rénové", ["sport"]),
        "misc": share(ada, "Annuaire des aides"),
        "private": share(ada, "Lien privé", ["culture"], access="private"),
    }
    for reader in (bob, eve):  # the museum is the most useful of the culture links
        reader.post_form(f"/veille/{guids['musee']}/useful", {}, token_from="/veille/")
    into_last_week(list(guids.values()))
    bob.post_form("/veille/subscribe", {}, token_from="/veille/")                       # the whole site
    eve.post_form("/veille/subscriptions", {"sub": ["theme:sport"]})                      # one theme
    return {"ada": ada, "bob": bob, "eve": eve, "links": guids}


def test_the_synthesis_is_mailed_once_grouped_by_theme_most_useful_first(week, use_smtp, app, client):
    with database.connection_context():
        site = app.runtime("test")
        first = synthesis.send_week(site, last_week())
        again = synthesis.send_week(site, last_week())
    assert first == {"members": 2, "mailed": 2} and again == {"members": 0, "mailed": 0}
    assert sorted(m["To"] for m in use_smtp.messages) == ["bob@example.org", "eve@example.org"]
    [bob] = texts_to(use_smtp, "bob@example.org")
    assert bob.index("Culture:") < bob.index("Sport:") < bob.index("Other links:")
    assert bob.index("Nuit des musées") < bob.index("Concert gratuit")  # 2 useful votes first
    assert "Places limitées, réservez." in bob and "2 found it useful" in bob
    assert "Lien privé" not in bob  # only what the member may see
    [eve] = texts_to(use_smtp, "eve@example.org")
    assert "Stade rénové" in eve and "Concert gratuit" not in eve and "Annuaire" not in eve
    mail = next(m for m in use_smtp.messages if m["To"] == "bob@example.org")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<strong>" in mail.get_body(preferencelist=("html",)).get_content()
    # the archive: the week's synthesis, as each reader may see it
    archive = client.get("/veille/syntheses").text
    sid = re.search(r'href="/veille/syntheses/(\d+)"', archive).group(1)
    page = client.get(f"/veille/syntheses/{sid}").text
    assert "Nuit des musées" in page and "Le programme complet." in page and "Lien privé" not in page
    assert "Lien privé" in week["ada"].get(f"/veille/syntheses/{sid}").text


def test_the_workers_job_sends_it_after_the_week_and_a_second_run_sends_nothing(week, use_smtp, app):
    with database.connection_context():
        jobs = list(Job.select().where(Job.name == "veille.synthesis", Job.state == "pending"))
        assert len(jobs) == 1 and jobs[0].run_after > now()  # queued once, for the Monday after the week
        Job.update(run_after=now(), args={"week": last_week().isoformat()}).where(Job.id == jobs[0].id).execute()
    assert sorted(m["To"] for m in use_smtp.messages) == ["bob@example.org", "eve@example.org"]  # the worker ran it
    with database.connection_context():
        assert Job.get_by_id(jobs[0].id).state == "done"
        synthesis.send_week(app.runtime("test"), last_week())  # by hand as well: nobody twice
    assert len(use_smtp.messages) == 2


def test_a_stopped_run_resumes_with_the_members_not_yet_served(week, use_smtp, app):
    with database.connection_context():
        Delivery.create(site="test", week=last_week(), member=week["bob"].account.guid)  # served before a crash
        counts = synthesis.send_week(app.runtime("test"), last_week())
    assert counts == {"members": 1, "mailed": 1}
    assert [m["To"] for m in use_smtp.messages] == ["eve@example.org"]


def test_one_click_unsubscribe_stops_the_syntheses(week, use_smtp, app):
    with database.connection_context():
        synthesis.send_week(app.runtime("test"), last_week())
    mail = next(m for m in use_smtp.messages if m["To"] == "bob@example.org")
    url = re.search(r"<([^>]+)>", mail["List-Unsubscribe"]).group(1).replace("http://testserver", "")
    with testing.client(app) as mail_client:  # no session, no form token (RFC 8058)
        assert mail_client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200
        assert mail_client.post(url[:-3] + "xyz").status_code == 400
    assert synthesis.subscriptions(week["bob"].account.guid) == set()


def test_group_syntheses_reach_their_subscribers_with_what_they_may_see(week, use_smtp, app):
    from tests.plugins.veille.test_access import make_group

    ada, bob, eve = week["ada"], week["bob"], week["eve"]
    group = make_group(ada.account.guid, [ada.account.guid, bob.account.guid], access="container", title="Cercle")
    inside = share(bob, "Sortie au lac", ["sport"], note="Départ 9 h", access="container", container=str(group.guid))
    into_last_week([inside])
    bob.post_form("/veille/subscribe", {"in": str(group.guid)}, token_from="/veille/")
    assert eve.post_form("/veille/subscribe", {"in": str(group.guid)}, token_from="/veille/").status_code == 404
    assert f'value="in:{group.guid}"' in bob.get("/veille/subscriptions").text
    with database.connection_context():
        synthesis.send_week(app.runtime("test"), last_week())
        assert Link.get_by_id(inside).place == group.guid
    [bob_text] = texts_to(use_smtp, "bob@example.org")
    assert "== Cercle ==" in bob_text and "Sortie au lac" in bob_text and "Départ 9 h" in bob_text
    assert "Sortie au lac" not in texts_to(use_smtp, "eve@example.org")[0]
    archive = bob.get(f"/veille/in/{group.guid}/syntheses").text
    assert "Week of" in archive
    assert eve.get(f"/veille/in/{group.guid}/syntheses").status_code == 404


def test_a_weekly_digest_shows_the_most_useful_links_to_members_without_a_synthesis(week, use_smtp, app):
    from core import notifications

    with database.connection_context():
        site = app.runtime("test")
        synthesis.unsubscribe(week["eve"].account.guid)  # Eve takes no synthesis, Bob takes the site's
        for member in (week["bob"], week["eve"]):  # both take weekly digests
            notifications.set_preference(member.account.guid, notifications.MAIN, "weekly")
            notifications.notify(site, "test.event", [member.account.guid], actor=None, entity=None)
        Entity.update(created=now()).where(Entity.guid == week["links"]["musee"]).execute()  # back in this week
        notifications.send_digests(site, "weekly")
    [eve] = texts_to(use_smtp, "eve@example.org")
    assert "Most useful links of the week:" in eve and "Nuit des musées" in eve
    [bob] = texts_to(use_smtp, "bob@example.org")
    assert "Most useful links of the week" not in bob  # he gets the synthesis instead
