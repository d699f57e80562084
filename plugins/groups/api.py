"""What other plugins may use of the groups plugin (its only public module).

A plugin that works inside groups (the forums, for one) asks here who belongs to a group,
in which role, and whether the group's administrators switched its tool on.
"""

from __future__ import annotations

from plugins.groups.membership import (
    ADMIN,
    MEMBER,
    count,
    is_admin,
    is_member,
    member_guids,
    row,
    state,
    tool_enabled,
    tools,
)

__all__ = ["ADMIN", "MEMBER", "count", "is_admin", "is_member", "member_guids", "row", "state", "tool_enabled",
           "tools"]
