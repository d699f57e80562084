"""The first-steps panel on a new member's home: a few things to do first, each ticked when done.

The core offers "fill your profile" and "invite people"; plugins add theirs through
``maillage_first_steps(site, user)`` (the directory: add or claim your organisation's card; the
agenda: publish an event). The panel shows until every step is done or the member hides it
(kept as the relationship ``core.first_steps_hidden`` from the member to themselves, so it
follows them on every device and goes with their account).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core import registration, relationships
from core.db import prepared

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

HIDDEN = "core.first_steps_hidden"


@dataclass(frozen=True)
class FirstStep:
    """One step of the panel: ``label`` links to ``url``; ``done`` ticks it."""

    name: str
    label: Any  # str or gettext_lazy proxy
    url: str
    done: bool = False
    order: int = 50


def hidden(user) -> bool:
    """True when the member hid the panel."""
    return relationships.has(user.guid, HIDDEN, user.guid)


def hide(site: SiteRuntime, user) -> None:
    """Hide the panel for good."""
    relationships.add(site, user.guid, HIDDEN, user.guid)


def steps(site: SiteRuntime, user) -> list[FirstStep]:
    """The steps of ``user``, in order (empty when the member hid the panel)."""
    if hidden(user):
        return []
    return sorted(site.call("maillage_first_steps", site=site, user=user), key=lambda s: (s.order, s.name))


def core_steps(site: SiteRuntime, user) -> list[FirstStep]:
    """The core's steps: a profile with a description or a picture; an invitation sent."""
    from core import profiles, web
    from core.i18n import gettext as _

    profile = profiles.get(user.guid)
    invited = bool(_invitation_sent(site.id, user.guid))
    return [FirstStep("profile", _("Fill in your profile: a few words and a picture"), web.url_for(site, "member-edit", guid=user.guid),
                      done=bool(profile.bio.strip() or profile.avatar), order=10),
            FirstStep("invite", _("Invite the people you work with"), web.url_for(site, "invite"), done=invited, order=90)]


@prepared
def _invitation_sent(site_id: str, inviter: int):
    invitation = registration.Invitation
    return invitation.select(invitation.id).where(invitation.site == site_id, invitation.inviter == inviter).limit(1).tuples()
