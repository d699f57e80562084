"""The map's grid in two audiences (``plugins.directory.grid``): the cells and counted cards now say whom they
are for, ``public`` (every visitor) or ``members`` (every signed-in member), so that members read their shared
cards from the grid as visitors do. The grid is derived data: its three tables are dropped and created again
empty, and each site's grid is built again at the first map request after this migration (or by
``maillage directory-map-grid``)."""

from peewee import BigIntegerField, CharField, CompositeKey, DoubleField, IntegerField, TextField

from core.migrate import stubs


def up(migrator, db):
    Base, _Entity = stubs(db)

    class MapCell(Base):
        site = CharField(max_length=64)
        audience = CharField(max_length=16)
        theme = CharField(max_length=500)
        zoom = IntegerField()
        row = IntegerField()
        col = IntegerField()
        count = IntegerField()
        sum_lat = DoubleField()
        sum_lon = DoubleField()
        guid = IntegerField(null=True)

        class Meta:
            table_name = "directory_map_cell"
            primary_key = CompositeKey("site", "theme", "zoom", "audience", "row", "col")

    class MapPoint(Base):
        guid = IntegerField(primary_key=True)
        site = CharField(max_length=64)
        audience = CharField(max_length=16)
        lat = DoubleField()
        lon = DoubleField()
        themes = TextField(default="")

        class Meta:
            table_name = "directory_map_point"
            indexes = ((("site", "audience", "lat", "lon"), False),)

    class MapGrid(Base):
        site = CharField(max_length=64, primary_key=True)
        fingerprint = CharField(max_length=64, default="")
        writes = BigIntegerField(default=0)

        class Meta:
            table_name = "directory_map_grid"

    db.drop_tables([MapCell, MapPoint, MapGrid])
    db.create_tables([MapCell, MapPoint, MapGrid])
