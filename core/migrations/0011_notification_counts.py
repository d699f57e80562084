"""The unread-notification count kept on write (issue 21): ``notification_count`` holds, per
recipient, how many of their notifications are unread. Database triggers keep it as notifications
are created, read, marked unread and deleted (a cascade included: an entity or an account deleted),
each an ``UPDATE ... SET unread = unread + 1`` (or ``- 1``) inside the statement that changed the
notification, so concurrent writers never lose a count. Filled once from the notifications there."""

from peewee import ForeignKeyField, IntegerField, PostgresqlDatabase

from core.migrate import stubs

POSTGRES = (
    """CREATE FUNCTION notification_count_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.read_at IS NULL THEN
    UPDATE notification_count SET unread = unread - 1 WHERE recipient_id = OLD.recipient_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.read_at IS NULL THEN
    INSERT INTO notification_count (recipient_id, unread) VALUES (NEW.recipient_id, 1)
    ON CONFLICT (recipient_id) DO UPDATE SET unread = notification_count.unread + 1;
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER notification_count_follow AFTER INSERT OR DELETE OR UPDATE OF read_at, recipient_id "
    "ON notification FOR EACH ROW EXECUTE FUNCTION notification_count_follow()",
)

ADD = ("INSERT INTO notification_count (recipient_id, unread) VALUES (NEW.recipient_id, 1) "
       "ON CONFLICT (recipient_id) DO UPDATE SET unread = unread + 1;")
REMOVE = "UPDATE notification_count SET unread = unread - 1 WHERE recipient_id = OLD.recipient_id;"
SQLITE = (
    f"CREATE TRIGGER notification_count_insert AFTER INSERT ON notification WHEN NEW.read_at IS NULL BEGIN {ADD} END",
    f"CREATE TRIGGER notification_count_delete AFTER DELETE ON notification WHEN OLD.read_at IS NULL BEGIN {REMOVE} END",
    # an update: the old row's unread (if it was) leaves, the new row's (if it is) comes
    "CREATE TRIGGER notification_count_update_old AFTER UPDATE OF read_at, recipient_id ON notification "
    f"WHEN OLD.read_at IS NULL BEGIN {REMOVE} END",
    "CREATE TRIGGER notification_count_update_new AFTER UPDATE OF read_at, recipient_id ON notification "
    f"WHEN NEW.read_at IS NULL BEGIN {ADD} END",
)


def up(migrator, db):
    Base, Entity = stubs(db)

    class NotificationCount(Base):
        recipient = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        unread = IntegerField(default=0)

        class Meta:
            table_name = "notification_count"

    db.create_tables([NotificationCount])
    for statement in POSTGRES if isinstance(db, PostgresqlDatabase) else SQLITE:
        db.execute_sql(statement)
    db.execute_sql("INSERT INTO notification_count (recipient_id, unread) SELECT recipient_id, COUNT(*) "
                   "FROM notification WHERE read_at IS NULL GROUP BY recipient_id")
