"""Administration > Outbox: the site's mail queue, read from the database (every server's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from core import mail, web
from core.i18n import gettext as _
from core.text import _cleaner

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

STATE_LABELS = {
    "pending": lambda: _("Waiting to be sent"),
    "sent": lambda: _("Sent"),
    "failed": lambda: _("Not sent (given up)"),
    "kept": lambda: _("Kept here (no mail server)"),
}


def _row(site: SiteRuntime, mail_id: int) -> mail.Mail:
    row = mail.Mail.get_or_none(mail.Mail.id == mail_id, mail.Mail.site == site.id)
    if row is None:
        raise web.not_found()
    return row


def index(request):
    """The site's messages, newest first, with their state, attempts and last error."""
    web.require_admin(request)
    site = web.site_of(request)
    messages = mail.outbox(site)
    return web.render(request, "core/admin/outbox.html", {
        "messages": messages, "states": {k: v() for k, v in STATE_LABELS.items()},
        "smtp": bool(site.settings.get("smtp_host"))})


def show(request):
    """One message, with its links clickable (to validate an account by hand); a failed one can be
    sent again."""
    web.require_admin(request)
    site = web.site_of(request)
    row = _row(site, request.path_params["mail_id"])
    if request.method == "POST":
        if web.form(request).get("action") == "retry" and row.state == "failed":
            mail.retry(row.id)
            web.flash(request, _("The message will be sent again."))
        return web.redirect(request, web.url_for(request, "admin-outbox-message", mail_id=row.id))
    return web.render(request, "core/admin/outbox_message.html", {
        "message": row, "state": STATE_LABELS[row.state](),
        "text": Markup(_cleaner.clean(str(escape(row.text()))))})
