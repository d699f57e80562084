"""Administration > Outbox: the mail written to disk while no SMTP server is configured."""

from email import policy
from email.parser import BytesParser

from markupsafe import Markup, escape

from core import mail, web
from core.text import _cleaner


def _read(path):
    with path.open("rb") as fh:
        msg = BytesParser(policy=policy.default).parse(fh)
    body = msg.get_body(preferencelist=("plain",))
    text = body.get_content() if body else ""
    return {"name": path.name, "to": msg["To"], "subject": msg["Subject"], "date": msg["Date"],
            "text": Markup(_cleaner.clean(str(escape(text))))}


def index(request):
    """The list of messages in the outbox, newest first."""
    web.require_admin(request)
    site = web.site_of(request)
    messages = [_read(p) for p in mail.outbox(site)]
    return web.render(request, "core/admin/outbox.html", {
        "messages": messages, "smtp": bool(site.settings.get("smtp_host"))})


def show(request):
    """One message of the outbox, with its links clickable (to validate an account by hand)."""
    web.require_admin(request)
    site = web.site_of(request)
    name = request.path_params["name"]
    path = mail.outbox_dir(site) / name
    if "/" in name or not name.endswith(".eml") or not path.is_file():
        raise web.not_found()
    return web.render(request, "core/admin/outbox_message.html", {"message": _read(path)})
