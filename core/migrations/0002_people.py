"""People: profiles, sign-up codes, invitations, rate-limit counters, delegations, ban reasons."""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db)

    class Profile(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        kind = CharField(max_length=64, default="")
        bio = TextField(default="")
        avatar = CharField(max_length=128, default="")
        fields = TextField(default="{}")
        visibility = TextField(default="{}")

    class SignupCode(Base):
        site = CharField(max_length=64)
        code = CharField(max_length=64)
        label = CharField(max_length=200, default="")
        expires = DateTimeField(null=True)
        max_uses = IntegerField(default=0)
        uses = IntegerField(default=0)
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            indexes = ((("site", "code"), True),)

    class Invitation(Base):
        site = CharField(max_length=64)
        email = CharField(max_length=254)
        inviter = ForeignKeyField(Entity, null=True, on_delete="SET NULL")
        token = CharField(max_length=64, unique=True)
        role = CharField(max_length=16, default="member")
        created = DateTimeField()
        accepted = DateTimeField(null=True)

        class Meta:
            indexes = ((("site", "email"), False), (("site", "inviter"), False))

    class RateLimit(Base):
        key = CharField(max_length=200, primary_key=True)
        window_start = DateTimeField()
        count = IntegerField(default=0)

    class Delegation(Base):
        site = CharField(max_length=64)
        user = ForeignKeyField(Entity, on_delete="CASCADE")
        scope = CharField(max_length=100)
        target = ForeignKeyField(Entity, null=True, on_delete="CASCADE")
        created = DateTimeField()

        class Meta:
            indexes = ((("user", "scope"), False),)

    db.create_tables([Profile, SignupCode, Invitation, RateLimit, Delegation])
    migrator.migrate(
        migrator.add_column("account", "ban_reason", CharField(max_length=500, default="")),
        migrator.add_column("account", "email_validated", DateTimeField(null=True)),
    )
