"""Expiry: the reminder mail before an ad closes goes once (jobs run twice, the sweep again), the ad
closes at its expiry without being deleted, and renewing it opens it for another period."""

import datetime as dt

from core import jobs
from core.db import database, now
from core.worker import Worker
from plugins.offers import ads
from plugins.offers.models import Ad

from .conftest import act_as, publish


def test_the_reminder_is_mailed_once_and_the_ad_closes_once(offers_site, signed_in, client, use_smtp, app):
    ada = signed_in("ada")
    soon = (now() + dt.timedelta(days=3)).date().isoformat()  # within the 7 days of the reminder
    guid = publish(ada, title="Tables à prêter", direction="offer", category="equipment", expires=soon)
    later = publish(ada, title="Pas encore")  # expires in 60 days: no reminder yet
    site = app.runtime("test")
    worker = Worker(app)
    worker.drain()
    worker.drain()  # run twice: nothing more
    with database.connection_context():
        assert ads.remind(site) == 0 and ads.remind(site, guid) == 0  # the sweep finds nothing left
        ads.remind_job(site, guid)
    reminders = [m for m in use_smtp.messages if "expires soon" in m["Subject"]]
    assert len(reminders) == 1
    assert reminders[0]["To"] == "ada@example.org" and "Tables à prêter" in reminders[0]["Subject"]
    body = reminders[0].get_body(preferencelist=("plain",)).get_content()
    assert f"http://testserver/offers/{guid}" in body
    with database.connection_context():
        assert Ad.get_by_id(guid).reminded and not Ad.get_by_id(later).reminded
        assert Ad.get_by_id(guid).state == "open"
        # the expiry passes: the job (queued at publication) closes it, once
        Ad.update(expires=now() - dt.timedelta(minutes=1)).where(Ad.entity == guid).execute()
        ads.expire_job(site, guid)
        ads.expire_job(site, guid)
        assert ads.expire(site) == 0
        ad = Ad.get_by_id(guid)
        assert (ad.state, ad.closed_reason) == ("closed", "expired")
    page = client.get(f"/offers/{guid}")
    assert page.status_code == 200 and "This ad is closed (expired)" in page.text  # closed, not deleted
    assert "Tables à prêter" not in client.get("/offers/").text
    # renewed: open for 60 more days, and a new reminder will come in time
    ada.post_form(f"/offers/{guid}/renew", {}, token_from=f"/offers/{guid}")
    with database.connection_context():
        ad = Ad.get_by_id(guid)
        assert ad.state == "open" and not ad.reminded and ad.expires > now() + dt.timedelta(days=59)
    assert "Tables à prêter" in client.get("/offers/").text


def test_the_expiry_job_runs_through_the_worker(offers_site, signed_in, app, use_smtp):
    ada = signed_in("ada")
    guid = publish(ada, expires=(now() + dt.timedelta(days=1)).date().isoformat())
    with database.connection_context():
        # the time has come for the queued expiry: make it due
        jobs.Job.update(run_after=now() - dt.timedelta(seconds=1)).where(jobs.Job.name == "offers.expire").execute()
        Ad.update(expires=now() - dt.timedelta(seconds=1)).where(Ad.entity == guid).execute()
    Worker(app).drain()
    with database.connection_context():
        assert Ad.get_by_id(guid).closed_reason == "expired"
        assert jobs.Job.select().where(jobs.Job.name == "offers.expire", jobs.Job.state == "done").count() == 1
        assert not jobs.Job.select().where(jobs.Job.state == "failed").exists()


def test_an_organisation_s_managers_get_the_reminder(offers_site, signed_in, use_smtp):
    mia, leo = signed_in("mia"), signed_in("leo")
    response = mia.post_form("/directory/new", {"name": "Les Amis du Stade", "postcode": "80000", "access": "public"},
                             token_from="/directory/new", follow_redirects=False)
    org = int(response.headers["location"].rsplit("/", 1)[1])
    act_as(mia, org)
    publish(mia, title="Arbitres", expires=(now() + dt.timedelta(days=2)).date().isoformat())
    assert leo  # not a manager: not told
    recipients = sorted(m["To"] for m in use_smtp.messages if "expires soon" in m["Subject"])
    assert recipients == ["mia@example.org"]


def test_the_offers_expire_command_closes_once(offers_site, signed_in, app, monkeypatch, capsys):
    from core import cli

    ada = signed_in("ada")
    guid = publish(ada, title="Vieille annonce")
    with database.connection_context():
        Ad.update(expires=now() - dt.timedelta(minutes=1)).where(Ad.entity == guid).execute()
    monkeypatch.setenv("MAILLAGE_HOME", str(app.instance.home))
    monkeypatch.setenv("MAILLAGE_SITES", str(app.instance.sites_dir))
    monkeypatch.setenv("DATABASE_URL", app.instance.database_url)
    assert cli.main(["offers-expire", "--site", "test"]) == 0
    assert "test: 0 reminder(s), 1 ad(s) closed" in capsys.readouterr().out
    assert cli.main(["offers-expire", "--site", "test"]) == 0
    assert "test: 0 reminder(s), 0 ad(s) closed" in capsys.readouterr().out
    with database.connection_context():
        assert Ad.get_by_id(guid).closed_reason == "expired"
