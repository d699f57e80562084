"""Create the animation tables: aggregated figures, figures by area, introductions, featured items."""

from peewee import CharField, DateField, DateTimeField, DoubleField, ForeignKeyField, IntegerField, TextField

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db, legacy_table_names=True)

    class DailyFigure(Base):
        site = CharField(max_length=64)
        day = DateField()
        figure = CharField(max_length=100)
        period = IntegerField(default=0)
        value = IntegerField(default=0)

        class Meta:
            table_name = "animation_daily_figure"
            indexes = ((("site", "figure", "period", "day"), True),)

    class AreaFigure(Base):
        site = CharField(max_length=64)
        day = DateField()
        period = IntegerField()
        level = CharField(max_length=12)
        code = CharField(max_length=80)
        label = CharField(max_length=200)
        cards = IntegerField(default=0)
        active = IntegerField(default=0)
        silent = IntegerField(default=0)
        lat = DoubleField(null=True)
        lon = DoubleField(null=True)

        class Meta:
            table_name = "animation_area_figure"
            indexes = ((("site", "period", "level", "day", "code"), True),)

    class Introduction(Base):
        site = CharField(max_length=64)
        animator = ForeignKeyField(Entity, null=True, on_delete="SET NULL")
        first = ForeignKeyField(Entity, on_delete="CASCADE")
        second = ForeignKeyField(Entity, on_delete="CASCADE")
        message = TextField(default="")
        created = DateTimeField()
        connected = DateTimeField(null=True)

        class Meta:
            table_name = "animation_introduction"
            indexes = ((("site", "created"), False),)

    class Featured(Base):
        site = CharField(max_length=64)
        entity = ForeignKeyField(Entity, on_delete="CASCADE")
        position = IntegerField(default=0)
        until = DateField(null=True)
        created = DateTimeField()

        class Meta:
            table_name = "animation_featured"
            indexes = ((("site", "entity"), True),)

    db.create_tables([DailyFigure, AreaFigure, Introduction, Featured])
