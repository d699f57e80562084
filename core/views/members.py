"""Member pages: the directory of members, a profile, editing one's profile and avatar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from core import entities, entity_images, images, inputs, profiles, web
from core.db import database
from core.i18n import gettext as _
from core.models import Account, Entity
from core.storage import StorageError, storage

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PAGE = 30
AVATAR_SIZE = (256, 256)


def _member(request, guid: int):
    """The member ``guid`` of this site if the viewer may see them, else 404."""
    site = web.site_of(request)
    account = (Account.select(Account, Entity).join(Entity)
               .where(Account.entity == guid, Account.site == site.id, Account.state.in_(["active", "invited"]),
                      Entity.deleted_at.is_null()).first())
    viewer = web.current_user(request)
    if account is None and viewer is not None and viewer.is_admin:
        account = Account.select(Account, Entity).join(Entity).where(
            Account.entity == guid, Account.site == site.id).first()
    if account is None:
        raise web.not_found()
    return account


def index(request):
    """Members of the site, searchable by name, newest first (keyset pagination)."""
    site = web.site_of(request)
    if web.current_user(request) is None and not site.settings.get("public_member_list", True):
        raise web.SignInRequired()
    q = (request.query_params.get("q") or "").strip()
    query = (Account.select(Account, Entity).join(Entity)
             .where(Account.site == site.id, Account.state == "active", Entity.deleted_at.is_null())
             .order_by(Account.entity.desc()).limit(PAGE + 1))
    if q:
        query = query.where(Entity.title.contains(q))
    if inputs.query_id(request, "before"):
        query = query.where(Account.entity < inputs.query_id(request, "before"))
    rows = list(query)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    entity_images.prime(site, rows, 48)
    return web.render(request, "core/members.html", {
        "members": rows, "q": q, "next_before": rows[-1].guid if more else None})


def show(request):
    """A member's profile: the fields the viewer may see, relationship actions, their activity."""
    site = web.site_of(request)
    account = _member(request, request.path_params["guid"])
    profile = profiles.get(account.guid)
    viewer = web.current_user(request)
    return web.render(request, "core/profile.html", {
        "member": account, "profile": profile, "target": account.entity,
        "fields": profiles.visible_values(site, profile, viewer),
        "can_edit": viewer is not None and (viewer.guid == account.guid or viewer.is_admin),
    })


def edit(request):
    """Edit a profile: name, kind, bio, avatar, the site's fields and who sees each."""
    user = web.require_user(request)
    site = web.site_of(request)
    account = _member(request, request.path_params["guid"])
    if user.guid != account.guid and not user.is_admin:
        raise web.forbidden()
    profile = profiles.get(account.guid)
    fields = profiles.site_fields(site)
    values = {"name": account.name, "bio": profile.bio, "kind": profile.kind, **(profile.fields or {})}
    visibility = {f.name: (profile.visibility or {}).get(f.name, f.default_visibility) for f in fields}
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = web.form(request)
        stored = _read_profile(site, data, fields, profile, values, visibility, errors)
        avatar_key = None if errors else _read_avatar(site, data, errors)
        if not errors:
            _save_profile(site, account, profile, values, stored, visibility, avatar_key)
            web.flash(request, _("Your profile is saved.") if user.guid == account.guid else _("Profile saved."))
            return web.redirect(request, web.url_for(request, "member", guid=account.guid))
    for f in fields:  # lists (tags) shown back as text
        if isinstance(values.get(f.name), list):
            values[f.name] = ", ".join(values[f.name])
    return web.render(request, "core/profile_edit.html", {
        "member": account, "profile": profile, "fields": fields, "values": values, "visibility": visibility,
        "errors": errors, "kinds": profiles.kinds(site),
        "choice_options": {f.name: [("", "—")] + [(c, c) for c in f.choices] for f in fields},
        "visibility_options": {f.name: [(v, profiles.VISIBILITY_LABELS[v]) for v in f.visibilities] for f in fields},
    }, status_code=400 if errors else 200)


def _read_profile(site: SiteRuntime, data, fields, profile, values: dict, visibility: dict, errors: dict) -> dict:
    """Read the name, bio, kind and the site's fields (with who sees each) into ``values`` and
    ``visibility``; return the fields' typed values to store."""
    values["name"] = (data.get("name") or "").strip()
    values["bio"] = (data.get("bio") or "").strip()
    values["kind"] = data.get("kind", "")
    if not values["name"] or len(values["name"]) > 100:
        errors["name"] = _("Give a name of 1 to 100 characters.")
    if len(values["bio"]) > 1000:
        errors["bio"] = _("%(max)s characters at most.") % {"max": 1000}
    if values["kind"] and values["kind"] not in profiles.kinds(site):
        errors["kind"] = _("Choose one of the proposed values.")
    stored = dict(profile.fields or {})
    for f in fields:
        raw = data.get(f.name, "")
        values[f.name] = raw
        try:
            stored[f.name] = f.parse(raw)
        except ValueError as exc:
            errors[f.name] = str(exc)
        level = data.get(f"visibility_{f.name}", f.default_visibility)
        visibility[f.name] = level if level in f.visibilities else f.default_visibility
    return stored


def _read_avatar(site: SiteRuntime, data, errors: dict) -> str | None:
    """The stored key of a new avatar (a square thumbnail through core.images), None without one."""
    thumbnail = images.from_form(data, "avatar", errors, size=AVATAR_SIZE, square=True)
    return storage(site).save(thumbnail) if thumbnail else None


def _save_profile(site: SiteRuntime, account: Account, profile, values: dict, stored: dict, visibility: dict,
                  avatar_key: str | None) -> None:
    if avatar_key and profile.avatar:
        storage(site).delete(profile.avatar)
    profile.avatar = avatar_key or profile.avatar
    profile.bio, profile.kind, profile.fields, profile.visibility = values["bio"], values["kind"], stored, visibility
    with database.atomic():
        entities.update(site, account.entity, title=values["name"])  # announced (search) after commit
        if profiles.Profile.get_or_none(profiles.Profile.entity == account.guid) is None:
            profile.save(force_insert=True)
        else:
            profile.save()


def avatar(request):
    """The avatar image of a member (or a generated placeholder)."""
    site = web.site_of(request)
    account = _member(request, request.path_params["guid"])
    profile = profiles.get(account.guid)
    headers = {"Cache-Control": "public, max-age=3600"}
    if profile.avatar:
        try:
            data = storage(site).read(profile.avatar)
            return Response(data, media_type=images.sniff(data) or "image/jpeg", headers=headers)
        except StorageError:
            pass
    initial = (account.name or "?")[0].upper()
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" '
           f'fill="#dde3ec"/><text x="32" y="42" font-size="30" text-anchor="middle" font-family="sans-serif" '
           f'fill="#1d2330">{initial}</text></svg>')
    from markupsafe import escape

    return Response(svg.replace(f">{initial}<", f">{escape(initial)}<"), media_type="image/svg+xml",
                    headers=headers)

