"""Personal data (GDPR): everything the site holds about a member, in one archive; deleting an account.

The archive gathers the core's data (account, profile, avatar, relationships, activity)
and what every enabled plugin returns from ``maillage_export_personal_data``. Deleting
an account asks every plugin (``maillage_delete_personal_data``) to delete or anonymise
the member's content, then removes the core's rows.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import TYPE_CHECKING

from core import profiles, sessions, visits
from core.db import database
from core.models import Account, Activity, Entity, Relationship
from core.storage import StorageError, storage

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

MODES = ("delete", "anonymise")


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def collect(site: SiteRuntime, account: Account) -> dict:
    """``{path: data or bytes}`` for the archive of ``account``."""
    profile = profiles.get(account.guid)
    files: dict = {
        "account.json": {
            "name": account.name, "email": account.email, "username": account.username, "role": account.role,
            "state": account.state, "language": account.language, "created": account.created,
            "last_login": account.last_login, "email_validated": account.email_validated,
        },
        "profile.json": {"kind": profile.kind, "bio": profile.bio, "fields": profile.fields or {},
                         "visibility": profile.visibility or {}},
        "relationships.json": [
            {"subject": r.subject_id, "verb": r.verb, "object": r.object_id, "object_name": r.object.title,
             "created": r.created}
            for r in Relationship.select(Relationship, Entity).join(Entity, on=(Relationship.object == Entity.guid))
            .where(Relationship.subject == account.guid)
        ],
        "activity.json": [
            {"verb": a.verb, "entity": a.entity_id, "kind": a.kind, "created": a.created}
            for a in Activity.select().where(Activity.actor == account.guid).order_by(Activity.id)
        ],
        "visits.json": visits.of_account(account.guid),
    }
    if profile.avatar:
        try:
            files["files/avatar.jpg"] = storage(site).read(profile.avatar)
        except StorageError:
            pass
    for part in site.call("maillage_export_personal_data", site=site, user=account):
        files.update(part)
    return files


def archive(site: SiteRuntime, account: Account) -> bytes:
    """The zip archive of everything the site holds about ``account``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in collect(site, account).items():
            if isinstance(data, bytes | bytearray):
                zf.writestr(path, bytes(data))
            else:
                zf.writestr(path, json.dumps(data, default=_jsonable, ensure_ascii=False, indent=2))
    return buf.getvalue()


def delete_account(site: SiteRuntime, account: Account, mode: str) -> None:
    """Delete ``account``: its content deleted (``delete``) or kept without its name (``anonymise``)."""
    if mode not in MODES:
        raise ValueError(mode)
    guid = account.guid
    profile = profiles.Profile.get_or_none(profiles.Profile.entity == guid)
    site.call("maillage_delete_personal_data", site=site, user=account, mode=mode)
    with database.atomic():
        if profile is not None and profile.avatar:
            storage(site).delete(profile.avatar)
        profiles.Profile.delete().where(profiles.Profile.entity == guid).execute()
        sessions.Session.delete().where(sessions.Session.account == guid).execute()
        visits.forget(guid)
        Relationship.delete().where((Relationship.subject == guid) | (Relationship.object == guid)).execute()
        from core.registration import Invitation

        Invitation.update(inviter=None).where(Invitation.inviter == guid).execute()
        Account.delete().where(Account.entity == guid).execute()
        if mode == "delete":
            Activity.delete().where(Activity.actor == guid).execute()
            owned = [e.guid for e in Entity.select(Entity.guid).where(Entity.owner == guid, Entity.guid != guid)]
            if owned:
                Activity.delete().where(Activity.entity.in_(owned)).execute()
                Entity.delete().where(Entity.guid.in_(owned)).execute()
            Entity.delete().where(Entity.guid == guid).execute()
        else:
            from core.i18n import gettext as _

            Entity.update(title=_("Former member"), access="public").where(Entity.guid == guid).execute()
