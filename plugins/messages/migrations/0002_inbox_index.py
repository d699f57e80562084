"""Index a member's participations by archive state and latest message: the inbox reads one
identity's page straight from it, in order, instead of sorting every conversation."""


def up(migrator, db):
    migrator.migrate(
        migrator.drop_index("messages_participant", "participant_member_id_last_message"),
        migrator.add_index("messages_participant", ("member_id", "archived", "last_message", "id"), False),
    )
