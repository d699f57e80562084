"""Who manages an organisation card: co-managers, invitations to co-manage, claims approved by an administrator.

- **Managers** are the members with a ``manages`` relationship to the card: they edit it, invite others and act
  as the organisation (the core counts every entity a member ``manages`` among their identities). A card keeps at least one manager; only an
  administrator may remove the last one (the card can then be claimed again).
- **Invitations** (table ``directory_invitation``) go to an e-mail address. When it is a member's, the member is
  notified (event ``directory.invitation``) and answers on ``/directory/{guid}/invitation``; anyone else gets a
  signed link by mail, valid :data:`INVITATION_DAYS` days, that whoever opens it signed in with any account may
  accept. Only accepting makes a manager.
- **Claims** (relationship ``directory.claims``, claimant → card) are confirmed by the link mailed to the card's
  address (``views.claim_confirm``) or approved or refused by an administrator on ``/directory/claims``.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import TYPE_CHECKING

import peewee as pw

from core import entities, mail, notifications, ratelimit, relationships, tokens, urls, web
from core.accounts import AccountError, normalise_email
from core.db import database, now
from core.i18n import gettext as _
from core.models import Account, Entity, Relationship
from plugins.directory import cards
from plugins.directory.models import INVITATION_DAYS, Acceptance, Invitation, Organisation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

MAX_PENDING = 20  # pending invitations of one card
INVITES_PER_HOUR = 20  # invitations one member may send in an hour (administrators: no limit)
CLAIMS = "directory.claims"
CLAIMS_PAGE = 100
TOKEN_PURPOSE = "directory.invitation"


class ManagingError(ValueError):
    """The action is not possible; the message is for the member."""


# --- managers ------------------------------------------------------------------------------------------------


def may_manage(user: Account | None, card: Entity) -> bool:
    """Managers of the card and administrators manage who manages it."""
    return user is not None and (user.is_admin or entities.manages(user, card))


def managers(card: Entity) -> list[Entity]:
    """The members managing ``card``, earliest first; each has ``since`` (when they became manager) and, when
    they accepted an invitation, ``accepted`` (the acceptance's id) with ``inviter_guid``/``inviter_name`` (None
    once the inviter's account is deleted)."""
    Inviter = Entity.alias()
    return list(Entity.select(Entity, Relationship.created.alias("since"), Acceptance.id.alias("accepted"),
                              Inviter.guid.alias("inviter_guid"), Inviter.title.alias("inviter_name"))
                .join(Relationship, on=(Relationship.subject == Entity.guid))
                .switch(Entity).join(Acceptance, pw.JOIN.LEFT_OUTER,
                                     on=(Acceptance.member == Entity.guid) & (Acceptance.card == card.guid))
                .join(Inviter, pw.JOIN.LEFT_OUTER, on=(Acceptance.inviter == Inviter.guid))
                .where(Relationship.object == card.guid, Relationship.verb == "manages", Entity.deleted_at.is_null())
                .order_by(Relationship.created, Entity.guid).objects())


def remove_manager(site: SiteRuntime, card: Entity, member_guid: int, by: Account) -> None:
    """``by`` removes ``member_guid`` (possibly themselves) from the managers; the last one only by an admin."""
    if not relationships.has(member_guid, "manages", card.guid):
        raise ManagingError(_("This member does not manage the card."))
    left = len(managers(card))
    if left <= 1 and not by.is_admin:
        raise ManagingError(_("A card needs at least one manager: invite someone to take over first, "
                              "or ask an administrator."))
    with database.atomic():
        relationships.remove(member_guid, "manages", card.guid)
        Acceptance.delete().where(Acceptance.card == card.guid, Acceptance.member == member_guid).execute()
        if left <= 1:  # nobody manages it any more: it may be claimed again
            Organisation.update(claimed=False).where(Organisation.entity == card.guid).execute()
    if member_guid != by.guid:
        notifications.notify(site, "directory.manager_removed", [member_guid], actor=by.entity, entity=card)


# --- invitations ---------------------------------------------------------------------------------------------


def _cutoff() -> dt.datetime:
    return now() - dt.timedelta(days=INVITATION_DAYS)


def pending(card: Entity) -> list[Invitation]:
    """The card's invitations not yet answered nor expired, oldest first (``invitee`` and ``inviter`` loaded)."""
    Invitee, Inviter = Entity.alias(), Entity.alias()
    return list(Invitation.select(Invitation, Invitee, Inviter)
                .join(Invitee, pw.JOIN.LEFT_OUTER, on=(Invitation.invitee == Invitee.guid))
                .switch(Invitation).join(Inviter, pw.JOIN.LEFT_OUTER, on=(Invitation.inviter == Inviter.guid))
                .where(Invitation.card == card.guid, Invitation.created > _cutoff())
                .order_by(Invitation.created))


def invite(site: SiteRuntime, request, card: Entity, inviter: Account, address: str) -> Invitation:
    """Invite ``address`` to co-manage ``card``: notify the member who has it, or mail a signed link.

    Raises ManagingError for a wrong address, someone already manager or invited, too many invitations.
    """
    try:
        email = normalise_email(address)
    except AccountError:
        raise ManagingError(_("Enter a valid e-mail address.")) from None
    account = (Account.select(Account, Entity).join(Entity)
               .where(Account.site == site.id, Account.email == email).first())
    if account is not None and relationships.has(account.guid, "manages", card.guid):
        raise ManagingError(_("%(email)s already manages this card.") % {"email": email})
    Invitation.delete().where(Invitation.card == card.guid, Invitation.created <= _cutoff()).execute()
    same = Invitation.email == email
    if account is not None:
        same |= Invitation.invitee == account.guid
    if Invitation.select().where(Invitation.card == card.guid, same).exists():
        raise ManagingError(_("%(email)s is already invited; the invitation is listed below.") % {"email": email})
    if Invitation.select().where(Invitation.card == card.guid).count() >= MAX_PENDING:
        raise ManagingError(_("This card has %(num)s invitations waiting for an answer: cancel some first.")
                            % {"num": MAX_PENDING})
    if account is not None and (account.state == "banned" or relationships.is_blocked(account.guid, inviter.guid)):
        raise ManagingError(_("That person cannot be invited."))
    if not inviter.is_admin and not ratelimit.hit(f"directory.invite:{inviter.guid}", INVITES_PER_HOUR, 3600):
        raise ManagingError(_("You sent many invitations in the last hour; try again later."))
    member = account if account is not None and account.state == "active" else None
    invitation = Invitation.create(site=site.id, card=card.guid, email=email, inviter=inviter.guid,
                                   invitee=member.guid if member else None, created=now())
    path = web.url_for(site, "directory-invitation", guid=card.guid)
    if member is not None:
        # the line links to the card, which shows the member "Answer the invitation"
        notifications.notify(site, "directory.invitation", [member.guid], actor=inviter.entity, entity=card)
        return invitation
    token = tokens.make(site, TOKEN_PURPOSE, [invitation.id, email])
    link = urls.absolute(site, f"{path}?token={token}", request)
    with notifications.in_language(site, SimpleNamespace(language="")):
        mail.send(site, email, _("%(name)s invites you to co-manage %(card)s") % {
            "name": inviter.name, "card": card.title},
            _("Hello,\n\n%(name)s invites you to co-manage the card of %(card)s on %(site)s: its managers "
              "keep it up to date and act in the name of the organisation.\n\nTo answer, open this link "
              "(valid %(days)s days), then sign in or create an account:\n%(link)s\n\n"
              "If you do not know this organisation, ignore this message.") % {
                "name": inviter.name, "card": card.title, "site": site.name, "days": INVITATION_DAYS,
                "link": link})
    return invitation


def find_invitation(site: SiteRuntime, card: Entity, user: Account | None, token: str = "") -> Invitation | None:
    """The pending invitation to ``card``: the one of a mailed ``token`` (ManagingError when it no longer
    holds), else the one addressed to ``user`` (their account or address), else None."""
    if token:
        try:
            ident, email = tokens.read(site, TOKEN_PURPOSE, token, INVITATION_DAYS * 86400)
        except tokens.TokenError as exc:
            raise ManagingError(_("This invitation has expired; ask for a new one.") if exc.expired
                                else _("This invitation link is not valid.")) from None
        found = Invitation.get_or_none(Invitation.id == ident, Invitation.card == card.guid,
                                       Invitation.email == email, Invitation.created > _cutoff())
        if found is None:
            raise ManagingError(_("This invitation was cancelled or already answered."))
        return found
    if user is None:
        return None
    return (Invitation.select()
            .where(Invitation.card == card.guid, Invitation.created > _cutoff(),
                   (Invitation.invitee == user.guid) | (Invitation.email == user.email.lower()))
            .order_by(Invitation.created).first())


def accept(site: SiteRuntime, invitation: Invitation, user: Account) -> None:
    """``user`` accepts: they manage the card (the managers list says whose invitation they accepted); their
    other invitations and claim of it are closed; the inviter is notified (``directory.invitation_accepted``)."""
    card = Entity.get_by_id(invitation.card_id)
    with database.atomic():
        cards.add_manager(site, card, user.guid)
        Acceptance.delete().where(Acceptance.card == card.guid, Acceptance.member == user.guid).execute()
        Acceptance.create(site=site.id, card=card.guid, member=user.guid, inviter=invitation.inviter_id,
                          created=now())
        Invitation.delete().where(Invitation.card == card.guid,
                                  (Invitation.id == invitation.id) | (Invitation.invitee == user.guid)
                                  | (Invitation.email == user.email.lower())).execute()
        relationships.remove(user.guid, CLAIMS, card.guid)
    _tell_inviter(site, invitation, user, card, "directory.invitation_accepted")


def decline(site: SiteRuntime, invitation: Invitation, user: Account) -> None:
    """``user`` declines: the invitation is gone from the pending list and the inviter is notified
    (``directory.invitation_declined``)."""
    invitation.delete_instance()
    _tell_inviter(site, invitation, user, Entity.get_by_id(invitation.card_id), "directory.invitation_declined")


def _tell_inviter(site: SiteRuntime, invitation: Invitation, user: Account, card: Entity, event: str) -> None:
    if invitation.inviter_id is not None:  # None once the inviter's account is deleted
        notifications.notify(site, event, [invitation.inviter_id], actor=user.entity, entity=card)


def export_personal_data(user: Account) -> dict:
    """The invitations a member received and sent, and those accepted, for their data archive."""
    Card, Other = Entity.alias(), Entity.alias()
    rows = (Invitation.select(Invitation, Card).join(Card, on=(Invitation.card == Card.guid))
            .where((Invitation.invitee == user.guid) | (Invitation.email == user.email.lower())
                   | (Invitation.inviter == user.guid)))
    out = [{"card": inv.card.title, "guid": inv.card_id, "email": inv.email, "created": inv.created,
            "direction": "sent" if inv.inviter_id == user.guid else "received"} for inv in rows]
    for mine, other_side in ((True, Acceptance.inviter), (False, Acceptance.member)):
        accepted = (Acceptance.select(Acceptance.card, Acceptance.created, Card.title, Other.title)
                    .join(Card, on=(Acceptance.card == Card.guid))
                    .switch(Acceptance).join(Other, pw.JOIN.LEFT_OUTER, on=(other_side == Other.guid))
                    .where((Acceptance.member if mine else Acceptance.inviter) == user.guid).tuples())
        out += [{"card": title, "guid": card_guid, "created": created,
                 "direction": "accepted" if mine else "sent and accepted", "inviter" if mine else "member": other}
                for card_guid, created, title, other in accepted]
    return {"directory/invitations.json": out}


def delete_personal_data(site: SiteRuntime, user: Account, mode: str) -> None:
    """The member's invitations go with their account; those they sent stay, without their name. Their cards
    are handed over first (:func:`hand_over_cards`)."""
    hand_over_cards(site, user, mode)
    Invitation.delete().where((Invitation.invitee == user.guid) | (Invitation.email == user.email.lower())).execute()
    Invitation.update(inviter=None).where(Invitation.inviter == user.guid).execute()
    Acceptance.delete().where(Acceptance.member == user.guid).execute()
    Acceptance.update(inviter=None).where(Acceptance.inviter == user.guid).execute()


def hand_over_cards(site: SiteRuntime, user: Account, mode: str) -> None:
    """Before the core deletes a member's account (and, in ``delete`` mode, every entity they own): the cards
    they own or manage outlive them whenever someone else still manages them.

    - A card they own that other members manage passes to the longest-standing of those managers (an active
      account first): the new owner is what :func:`cards.create` would have made them, had they created it.
    - A card nobody else manages: one they own is deleted with their content in ``delete`` mode (its logo file
      freed here, the core deletes the rows); kept without owner in ``anonymise`` mode. Either way a card that
      stays without a manager (one they only managed, like a claimed card of an imported register) becomes
      claimable again (``claimed = False``), as when an administrator removes its last manager.
    """
    guid = user.guid
    owned = {row.guid for row in Entity.select(Entity.guid).where(Entity.owner == guid, Entity.kind == cards.KIND,
                                                                    Entity.site == site.id)}
    managed = {row.object_id for row in Relationship.select(Relationship.object).join(
        Entity, on=(Relationship.object == Entity.guid)).where(
        Relationship.subject == guid, Relationship.verb == "manages", Entity.kind == cards.KIND,
        Entity.site == site.id)}
    deleted = []
    with database.atomic():
        for card_guid in sorted(owned | managed):
            successor = _successor(card_guid, guid)
            if successor is not None:
                if card_guid in owned:
                    Entity.update(owner=successor).where(Entity.guid == card_guid).execute()
            elif card_guid in owned and mode == "delete":
                deleted.append(card_guid)
            else:
                if card_guid in owned:
                    Entity.update(owner=None).where(Entity.guid == card_guid).execute()
                Organisation.update(claimed=False).where(Organisation.entity == card_guid).execute()
    for card in Entity.select().where(Entity.guid.in_(deleted)) if deleted else ():
        cards.delete_logo_file(site, card)
    if deleted:

        cards.forget_aggregates(site)


def _successor(card_guid: int, leaving: int) -> int | None:
    """The member who takes over ``card_guid`` from ``leaving``: the longest-standing other manager, an active
    account before others (pending, banned); None when nobody else manages it."""
    row = (Relationship.select(Relationship.subject)
           .join(Entity, on=(Relationship.subject == Entity.guid))
           .join(Account, pw.JOIN.LEFT_OUTER, on=(Account.entity == Entity.guid))
           .where(Relationship.object == card_guid, Relationship.verb == "manages", Relationship.subject != leaving,
                  Entity.deleted_at.is_null())
           .order_by(pw.Case(None, [(Account.state == "active", 0)], 1), Relationship.created, Relationship.subject)
           .first())
    return row.subject_id if row is not None else None


# --- claims --------------------------------------------------------------------------------------------------


def claim_pending(user: Account | None, card: Entity) -> bool:
    """True when ``user`` claimed ``card`` and nobody answered yet."""
    return user is not None and relationships.has(user.guid, CLAIMS, card.guid)


def pending_claims(site: SiteRuntime, after: int = 0, limit: int = CLAIMS_PAGE) -> list[SimpleNamespace]:
    """Pending claims of the site, oldest first (keyset on the relationship id, ``after``)."""
    Claimant, Card = Entity.alias(), Entity.alias()
    query = (Relationship.select(Relationship.id, Relationship.created, Claimant.guid, Claimant.title, Account.email,
                                 Card.guid, Card.title, Organisation.email, Organisation.claimed)
             .join(Claimant, on=(Relationship.subject == Claimant.guid))
             .join(Account, on=(Account.entity == Claimant.guid))
             .switch(Relationship).join(Card, on=(Relationship.object == Card.guid))
             .join(Organisation, on=(Organisation.entity == Card.guid))
             .where(Relationship.verb == CLAIMS, Relationship.site == site.id, Card.deleted_at.is_null(),
                    Claimant.deleted_at.is_null(), Relationship.id > after)
             .order_by(Relationship.id).limit(limit))
    return [SimpleNamespace(id=row[0], created=row[1], claimant_guid=row[2], claimant_name=row[3],
                            claimant_email=row[4], card_guid=row[5], card_title=row[6], card_email=row[7],
                            managed=row[8])
            for row in query.tuples()]


def clear_claim(member_guid: int, card_guid: int) -> None:
    """Forget a member's claim of a card (answered, or confirmed by the link mailed to the card)."""
    relationships.remove(member_guid, CLAIMS, card_guid)


def answer_claim(site: SiteRuntime, card: Entity, claimant_guid: int, admin: Account, approve: bool) -> None:
    """An administrator approves (the claimant manages the card) or refuses a claim; the claimant is told."""
    if not relationships.has(claimant_guid, CLAIMS, card.guid):
        raise ManagingError(_("This claim was already answered."))
    with database.atomic():
        if approve:
            cards.add_manager(site, card, claimant_guid)
        clear_claim(claimant_guid, card.guid)
    notifications.notify(site, "directory.claim_approved" if approve else "directory.claim_refused",
                         [claimant_guid], actor=admin.entity, entity=card)


# --- pages ---------------------------------------------------------------------------------------------------


def card_context(site: SiteRuntime, viewer: Account | None, card: Entity) -> dict:
    """What the card page shows about its managers, the viewer's invitation and claim."""
    ctx = {"can_manage": may_manage(viewer, card), "invitation": None,
           "claim_pending": claim_pending(viewer, card), "invitation_days": INVITATION_DAYS}
    if ctx["can_manage"]:
        ctx["managers"] = managers(card)
        ctx["invitations"] = pending(card)
    if viewer is not None and not entities.manages(viewer, card):
        ctx["invitation"] = find_invitation(site, card, viewer)
    return ctx


