"""Issue 16.9: the agenda's month is a calendar grid on a desktop and the list of the days that have
events on a phone, without sideways scrolling; the event's time is said for people."""

import datetime as dt

import pytest

from core import accounts, testing
from core.db import database, now

pytestmark = pytest.mark.e2e


def test_month_is_a_grid_on_a_desktop_and_a_list_of_days_on_a_phone(live_site, browser, check_a11y):
    url = live_site(plugins=["agenda"])
    with database.connection_context():
        accounts.create_account("test", "ada@example.org", "Ada", "password-ada-123")
    day = dt.date(now().year + 1, 3, 14)
    with testing.client(live_site.app) as ada:
        assert ada.signin("ada@example.org", "password-ada-123").status_code == 303
        created = ada.post_form("/agenda/new", {
            "title": "Atelier semis", "description": "", "start_date": day.isoformat(), "start_time": "14:00",
            "end_date": day.isoformat(), "end_time": "17:00", "tz": "Europe/Paris", "repeat": "", "until": "",
            "count": "", "exdates": "", "place_name": "", "address": "", "commune": "Amiens", "postcode": "80000",
            "lat": "", "lon": "", "online_url": "", "capacity": "", "show_participants": "organiser",
            "access": "public", "container": ""}, follow_redirects=False)
        assert created.status_code == 303, created.text
    month = f"{url}/agenda/month?month={day:%Y-%m}"
    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR").new_page()
    desktop.goto(month)
    cells = desktop.locator("table.calendar td")
    assert desktop.locator("table.calendar thead").is_visible()
    visible = [i for i in range(cells.count()) if cells.nth(i).is_visible()]
    assert len(visible) >= 28  # every day of the grid
    assert desktop.locator("table.calendar td", has_text="Atelier semis").is_visible()
    check_a11y(desktop)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR").new_page()
    phone.goto(month)
    cells = phone.locator("table.calendar td")
    shown = [cells.nth(i).inner_text() for i in range(cells.count()) if cells.nth(i).is_visible()]
    assert len(shown) == 1 and "14 mars" in shown[0] and "Atelier semis" in shown[0]  # one day, named in full
    assert not phone.locator("table.calendar thead").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.goto(url + "/agenda/")
    assert phone.locator(".event-card", has_text="Atelier semis").locator("text=14 h – 17 h").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    desktop.context.close()
    phone.context.close()
