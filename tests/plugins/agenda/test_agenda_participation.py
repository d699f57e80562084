"""Participation: going, interested, capacity and waiting list (also under concurrent requests), lists, CSV,
messages, reminders; events of an organisation and in a container."""

import datetime as dt
import threading

import pytest

from core.db import database, now
from core.models import Entity, Relationship
from plugins.agenda.models import Participation

from .conftest import event_helpers

pytestmark = pytest.mark.site(plugins=["agenda"], language="en")

SOON = (now() + dt.timedelta(days=5)).date().isoformat()


form, create = event_helpers({"title": "Réunion du réseau", "start_date": SOON, "start_time": "18:00",
                              "end_date": SOON, "end_time": "20:00",
                              "place_name": "Maison des associations", "commune": "Amiens",
                              "capacity": "2", "show_participants": "participants"})


def answer(client, guid, value):
    return client.post_form(f"/agenda/{guid}/answer", {"answer": value}, token_from=f"/agenda/{guid}")


def statuses(guid):
    with database.connection_context():
        return {p.member.title: p.status for p in Participation.select(Participation, Entity)
                .join(Entity, on=(Participation.member == Entity.guid)).where(Participation.event == guid)}


def organisation(db, manager_account, title="Les Jardins Partagés"):
    org = Entity.create(site="test", kind="directory.organisation", owner=manager_account.guid, access="public",
                        title=title, created=now(), updated=now())
    Relationship.create(site="test", subject=manager_account.guid, verb="manages", object=org.guid, created=now())
    return org


def test_waiting_list_moves_up(signed_in, member_factory, db):
    org_manager = signed_in("olga")
    from core.models import Account

    olga = Account.get(Account.email == "olga@example.org")
    org = organisation(db, olga)
    org_manager.post_form("/acting-as", {"actor": str(org.guid), "next": "/agenda/"}, token_from="/agenda/")
    guid = create(org_manager, repeat="weekly", count="4")
    assert Entity.get_by_id(guid).owner_id == org.guid  # published as the association
    ann, ben, cid = signed_in("ann"), signed_in("ben"), signed_in("cid")
    assert "You are registered" in answer(ann, guid, "going").text
    answer(ben, guid, "going")
    assert "waiting list" in answer(cid, guid, "going").text
    assert statuses(guid) == {"Ann": "going", "Ben": "going", "Cid": "waiting"}
    assert "2 of 2 taken" in cid.get(f"/agenda/{guid}").text
    answer(ann, guid, "")
    assert statuses(guid) == {"Ben": "going", "Cid": "going"}
    from core.notifications import Notification

    assert Notification.select().where(Notification.event == "agenda.moved_up").count() == 1
    # the participant list: participants see it, others do not
    assert "Participants" in ben.get(f"/agenda/{guid}").text
    assert "Participants" not in ann.get(f"/agenda/{guid}").text
    # interested does not take a seat
    answer(ann, guid, "interested")
    assert statuses(guid)["Ann"] == "interested"
    # CSV for the organisers only
    csv = org_manager.get(f"/agenda/{guid}/participants.csv")
    assert csv.status_code == 200 and "ben@example.org" in csv.text and "cid@example.org" in csv.text
    assert ann.get(f"/agenda/{guid}/participants.csv").status_code == 403


def test_concurrent_answers_never_overbook(signed_in, member_factory, db, app):
    ada = signed_in("ada")
    guid = create(ada, capacity="3")
    from core.models import Account
    from plugins.agenda import participation
    from plugins.agenda.models import Event

    people = [member_factory(f"m{i}") for i in range(10)]
    site = app.runtime("test")
    entity = Entity.get_by_id(guid)
    errors = []

    def go(account):
        try:
            with database.connection_context():
                participation.answer(site, entity, Account.get_by_id(account.guid).entity, "going")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    found = list(Participation.select().where(Participation.event == guid))
    assert sum(p.status == "going" for p in found) == 3 and sum(p.status == "waiting" for p in found) == 7
    assert Event.get_by_id(guid).capacity == 3


def test_bigger_room_moves_people_up(signed_in):
    ada = signed_in("ada")
    guid = create(ada, capacity="1")
    ann, ben = signed_in("ann"), signed_in("ben")
    answer(ann, guid, "going")
    answer(ben, guid, "going")
    assert statuses(guid) == {"Ann": "going", "Ben": "waiting"}
    ada.post_form(f"/agenda/{guid}/edit", form(capacity="5"))
    assert statuses(guid) == {"Ann": "going", "Ben": "going"}


def test_organiser_messages_participants(signed_in, app):
    ada = signed_in("ada")
    guid = create(ada)
    ann = signed_in("ann")
    answer(ann, guid, "going")
    response = ada.post_form(f"/agenda/{guid}/message", {"subject": "Changement de salle", "text": "Salle B."},
                             token_from=f"/agenda/{guid}")
    assert "Message sent to 1 participant" in response.text
    from core import mail

    site = _site(app)
    texts = [m.message for m in mail.outbox(site)]
    assert any("Changement de salle" in t and "ann@example.org" in t for t in texts)


def _site(app):
    return app.runtime("test")


def test_reminders_once_per_occurrence(signed_in, app):
    from core.notifications import Notification
    from plugins.agenda.reminders import send_reminders

    ada = signed_in("ada")
    tomorrow = (now() + dt.timedelta(hours=30)).date().isoformat()
    guid = create(ada, start_date=tomorrow, end_date=tomorrow, start_time="23:30", end_time="23:50")
    ann = signed_in("ann")
    answer(ann, guid, "going")
    with database.connection_context():
        site = _site(app)
        assert send_reminders(site, hours=72) == 1
        assert send_reminders(site, hours=72) == 0
        assert Notification.select().where(Notification.event == "agenda.reminder").count() == 1


def test_the_reminders_command_runs_on_the_sites_with_the_agenda(signed_in, app, monkeypatch, capsys):
    from core import cli

    ada = signed_in("ada")
    tomorrow = (now() + dt.timedelta(hours=30)).date().isoformat()
    guid = create(ada, start_date=tomorrow, end_date=tomorrow, start_time="23:30", end_time="23:50")
    answer(signed_in("ann"), guid, "going")
    monkeypatch.setenv("MAILLAGE_HOME", str(app.instance.home))
    monkeypatch.setenv("MAILLAGE_SITES", str(app.instance.sites_dir))
    monkeypatch.setenv("DATABASE_URL", app.instance.database_url)
    assert cli.main(["agenda-reminders", "--site", "test", "--hours", "12"]) == 0
    assert capsys.readouterr().out.strip() == "test: 0 reminder(s)"  # the event starts in 30 hours
    assert cli.main(["agenda-reminders", "--site", "test", "--hours", "72"]) == 0
    assert capsys.readouterr().out.strip() == "test: 1 reminder(s)"


def test_container_events_follow_its_access(signed_in, client, db):
    from core.models import Account

    ada = signed_in("ada")
    owner = Account.get(Account.email == "ada@example.org")
    group = organisation(db, owner, "Club de randonnée")
    guid = create(ada, container=str(group.guid), access="container", title="Sortie du club")
    assert Entity.get_by_id(guid).container_id == group.guid
    assert client.get(f"/agenda/{guid}").status_code == 404
    assert "Sortie du club" in ada.get(f"/agenda/in/{group.guid}").text
    bob = signed_in("bob")
    assert bob.get(f"/agenda/{guid}").status_code == 404
    bob_account = Account.get(Account.email == "bob@example.org")
    Relationship.create(site="test", subject=bob_account.guid, verb="member_of", object=group.guid, created=now())
    assert bob.get(f"/agenda/{guid}").status_code == 200
    # a member who may not post in the container is refused
    refused = bob.post_form("/agenda/new", form(container=str(group.guid)))
    assert refused.status_code == 400 and "You cannot publish there" in refused.text


def test_no_answer_once_the_event_is_over(signed_in):
    ada = signed_in("ada")
    day = (now() - dt.timedelta(days=2)).date().isoformat()
    guid = create(ada, start_date=day, end_date=day)
    ann = signed_in("ann")
    assert "This event is over" in answer(ann, guid, "going").text
    assert statuses(guid) == {}


def test_container_tab_is_offered(app):
    from core.models import Entity as E

    site = app.runtime("test")
    with database.connection_context():
        group = E.create(site="test", kind="groups.group", title="Club", access="public", created=now(),
                         updated=now())
        items = site.call("maillage_container_tools", site=site, container=group)
    assert any(i.url == f"/agenda/in/{group.guid}" and i.name == "agenda" for i in items)


@pytest.mark.site(plugins=["agenda"], language="fr")
def test_answers_are_counted_in_words_of_the_right_number(signed_in):
    """"1 inscrit · 0 intéressé", "2 inscrits": ngettext, not "inscrit(s)"."""
    ann, ben = signed_in("ann"), signed_in("ben")
    guid = create(ann, capacity="")
    answer(ann, guid, "going")
    assert "1 inscrit · 0 intéressé</p>" in ben.get(f"/agenda/{guid}").text
    answer(ben, guid, "going")
    page = ben.get(f"/agenda/{guid}").text
    assert "2 inscrits · 0 intéressé</p>" in page and "(s)" not in page
