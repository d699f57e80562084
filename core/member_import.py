"""Importing an association's existing member file (CSV).

Columns are mapped to targets: ``email`` (required), ``name``, ``role`` and the site's
profile fields. People already on the site are recognised by e-mail and updated;
new people get an account waiting for them (state ``invited``) and an invitation by
mail to choose their password. Every rejected row is reported with its reason, a dry
run changes nothing, and importing the same file twice changes nothing the second time.

Each row is imported in one transaction with its invitation mail (written to the outbox,
:mod:`core.mail`): an import killed midway resumes where it stopped when run again, an
invitation that never reached the outbox is sent by the next run, and a mail server that is
down delays the mail, never the import.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core import accounts, profiles, registration, urls
from core.db import analyze, database, now
from core.i18n import gettext as _
from core.models import Account

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

ROLES = ("member", "moderator", "admin")


@dataclass
class Report:
    """What an import did (or would do, in a dry run)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invited: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False


class ImportError_(ValueError):
    """The file or the mapping cannot be used; the message says why."""


def read_csv(data: bytes | str) -> tuple[list[str], list[dict]]:
    """The header and rows of a CSV file (UTF-8, with ``,``, ``;`` or tab separators)."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    if not text.strip():
        raise ImportError_(_("The file is empty."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    rows = list(reader)
    return [h.strip() for h in (reader.fieldnames or [])], rows


def targets(site: SiteRuntime) -> list[str]:
    """What a column can be mapped to."""
    return ["email", "name", "role"] + [f.name for f in profiles.site_fields(site)]


def target_labels(site: SiteRuntime) -> dict[str, str]:
    """What the import page calls each target, in the reader's language."""
    labels = {"email": _("E-mail address"), "name": _("Name"), "role": _("Role")}
    labels.update({f.name: str(f.label) for f in profiles.site_fields(site)})
    return labels


def default_mapping(site: SiteRuntime, header: list[str]) -> dict[str, str]:
    """Map each target to the column of the same name (case-insensitive), when there is one."""
    lower = {h.lower(): h for h in header}
    return {t: lower[t.lower()] for t in targets(site) if t.lower() in lower}


def run(site: SiteRuntime, rows: list[dict], mapping: dict[str, str], dry_run: bool = False, invite: bool = True,
        base_url: str | None = None, progress=None) -> Report:
    """Import ``rows`` with ``mapping`` (target -> column); return the report."""
    if "email" not in mapping:
        raise ImportError_(_("Choose the column holding the e-mail addresses."))
    fields = {f.name: f for f in profiles.site_fields(site)}
    report = Report(dry_run=dry_run)
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if progress:
            progress()
        try:
            email, name, role, values = _read_row(row, mapping, fields, seen)
        except _Rejected as exc:
            report.rejected.append((line, str(exc)))
            continue
        existing = Account.get_or_none(Account.site == site.id, Account.email == email)
        if existing is None:
            _add(site, report, email, name, role, values, invite, base_url)
        else:
            _refresh(site, report, existing, role, values, invite, base_url)
    if report.created and not dry_run:
        analyze()
    return report


class _Rejected(ValueError):
    """A row that is not imported; the message is its reason, for the report."""


def _read_row(row: dict, mapping: dict[str, str], fields: dict, seen: set[str]) -> tuple[str, str, str, dict]:
    """(e-mail, name, role, profile field values) of one row, the e-mail added to ``seen``;
    raises :class:`_Rejected` with the reason."""
    try:
        email = accounts.normalise_email(row.get(mapping["email"], ""))
    except accounts.AccountError:
        raise _Rejected(_("invalid e-mail address: %(value)s") % {
            "value": row.get(mapping["email"], "") or _("(empty)")}) from None
    if email in seen:
        raise _Rejected(_("%(email)s appears twice in the file") % {"email": email})
    seen.add(email)
    name = (row.get(mapping.get("name", ""), "") or "").strip() or email.split("@")[0]
    role = (row.get(mapping.get("role", ""), "") or "member").strip().lower() or "member"
    if role not in ROLES:
        raise _Rejected(_("unknown role %(role)s (member, moderator or admin)") % {"role": role})
    values, problem = {}, None
    for target, column in mapping.items():
        if target in fields and column:
            try:
                values[target] = fields[target].parse(row.get(column, ""))
            except ValueError as exc:
                problem = f"{fields[target].label}: {exc}"
    if problem:
        raise _Rejected(problem)
    return email, name, role, values


def _add(site: SiteRuntime, report: Report, email: str, name: str, role: str, values: dict, invite: bool,
         base_url: str | None) -> None:
    """A new account waiting for its owner (state ``invited``), its fields and its invitation mail."""
    report.created += 1
    if invite:
        report.invited += 1
    if report.dry_run:
        return
    with database.atomic():  # the account, its fields and its invitation mail, or nothing
        account = accounts.create_account(site.id, email, name, state="invited", role=role)
        _set_fields(account, values)
        if invite:
            _invite(site, account, base_url)


def _refresh(site: SiteRuntime, report: Report, existing: Account, role: str, values: dict, invite: bool,
             base_url: str | None) -> None:
    """An account already on the site: its role and fields updated, an invitation it is owed sent."""
    owed = invite and _invitation_owed(site, existing)
    if owed:
        report.invited += 1
        if not report.dry_run:
            _invite(site, existing, base_url)
    profile = profiles.get(existing.guid)
    merged = {**(profile.fields or {}), **values}
    if existing.role == role and merged == (profile.fields or {}):
        if not owed:
            report.unchanged += 1
        return
    report.updated += 1
    if not report.dry_run:
        with database.atomic():
            existing.role = role
            existing.save()
            _set_fields(existing, values)


def _invitation_owed(site: SiteRuntime, account: Account) -> bool:
    """An account left waiting by an earlier run whose invitation never reached the outbox (a run
    killed before mail was transactional, or run with --no-invite): it gets one now."""
    return account.state == "invited" and not registration.Invitation.select().where(
        registration.Invitation.site == site.id, registration.Invitation.email == account.email,
        registration.Invitation.mailed_at.is_null(False)).exists()


def _set_fields(account: Account, values: dict) -> None:
    if not values:
        return
    profile = profiles.Profile.get_or_none(profiles.Profile.entity == account.guid)
    if profile is None:
        profiles.Profile.create(entity=account.guid, fields=values)
    else:
        profile.fields = {**(profile.fields or {}), **values}
        profile.save()


def _invite(site: SiteRuntime, account: Account, base_url: str | None) -> None:
    """Mail ``account`` its invitation (reusing one not yet accepted) and record when."""
    with database.atomic():
        invitation = registration.Invitation.get_or_none(
            registration.Invitation.site == site.id, registration.Invitation.email == account.email,
            registration.Invitation.accepted.is_null())
        if invitation is None:
            invitation = registration.Invitation.create(site=site.id, email=account.email, inviter=None,
                                                        token=secrets.token_urlsafe(24), role=account.role,
                                                        created=now())
        link = f"{base_url or urls.base_url(site)}/signup?invitation={invitation.token}"
        registration.mail_invitation(
            site, invitation, _("Your account on %(site)s is waiting for you") % {"site": site.name},
            _("Hello %(name)s,\n\n%(site)s now has its own site, and an account is ready for you.\n"
              "To choose your password, open this link:\n%(link)s\n")
            % {"name": account.name, "site": site.name, "link": link})
