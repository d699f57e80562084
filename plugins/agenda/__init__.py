"""The agenda plugin: events of the territory, registrations, calendars and iCalendar feeds."""
