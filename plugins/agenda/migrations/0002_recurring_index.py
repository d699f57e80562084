"""Index events by their recurrence rule: listings expand the few recurring events apart, and
``rrule > ''`` then reads just those instead of every event before the page's end."""


def up(migrator, db):
    migrator.migrate(migrator.add_index("agenda_event", ("rrule", "start"), False))
