"""Indexes for the listings: walk published posts newest first; find unannounced due posts.

The first index, on (status, publish_at), made SQLite read every published post and sort
them; (status, entity_id) lets a listing stop after one page.
"""


def up(migrator, db):
    db.execute_sql("DROP INDEX IF EXISTS post_status_publish_at")
    migrator.migrate(
        migrator.add_index("blog_post", ("status", "entity_id"), False),
        migrator.add_index("blog_post", ("announced", "publish_at"), False),
    )
