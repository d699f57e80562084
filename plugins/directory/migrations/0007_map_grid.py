"""The map's grid (``plugins.directory.grid``): clusters of public cards per site, theme, zoom and cell, kept
up to date on write (directory_map_cell), the cards they count (directory_map_point) and, per site, the theme
tree they were built with (directory_map_grid). The tables start empty: each site's grid is built from its
cards at the first map request after this migration (or by ``maillage directory-map-grid``)."""

from peewee import BigIntegerField, CharField, CompositeKey, DoubleField, IntegerField, TextField

from core.migrate import stubs


def up(migrator, db):
    Base, _Entity = stubs(db)

    class MapCell(Base):
        site = CharField(max_length=64)
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
            primary_key = CompositeKey("site", "theme", "zoom", "row", "col")

    class MapPoint(Base):
        guid = IntegerField(primary_key=True)
        site = CharField(max_length=64)
        lat = DoubleField()
        lon = DoubleField()
        themes = TextField(default="")

        class Meta:
            table_name = "directory_map_point"
            indexes = ((("site", "lat", "lon"), False),)

    class MapGrid(Base):
        site = CharField(max_length=64, primary_key=True)
        fingerprint = CharField(max_length=64, default="")
        writes = BigIntegerField(default=0)

        class Meta:
            table_name = "directory_map_grid"

    db.create_tables([MapCell, MapPoint, MapGrid])
