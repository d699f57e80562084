"""Mail goes to the site's SMTP server, or to the outbox shown in the admin."""

from core import mail
from core.db import database


def test_without_smtp_mail_goes_to_the_outbox_shown_in_the_admin(app, signed_in):
    site = app.runtime("test")
    mail.send(site, "ada@example.org", "Validate your account", "Open https://example.org/v/abc to validate.")
    assert len(mail.outbox(site)) == 1
    admin = signed_in("root", role="admin")
    listing = admin.get("/admin/outbox")
    assert "Validate your account" in listing.text and "ada@example.org" in listing.text
    row = mail.outbox(site)[0]
    assert row.state == "kept"
    message = admin.get(f"/admin/outbox/{row.id}")
    assert '<a href="https://example.org/v/abc"' in message.text
    assert admin.get(f"/admin/outbox/{row.id + 1}").status_code == 404
    assert admin.get("/admin/outbox/..%2Fsecret.key").status_code == 404


def test_with_smtp_mail_reaches_the_real_server(app, use_smtp):
    site = app.runtime("test")
    mail.send(site, "bob@example.org", "Bonjour", "Texte", html="<p>Texte</p>",
              headers={"List-Unsubscribe": "<https://example.org/u>"})
    assert len(use_smtp.messages) == 1
    received = use_smtp.messages[0]
    assert received["To"] == "bob@example.org" and received["Subject"] == "Bonjour"
    assert received["List-Unsubscribe"] == "<https://example.org/u>"
    assert [t.strip() for t in use_smtp.texts()] == ["Texte"]
    [row] = mail.outbox(site)
    assert row.state == "sent" and row.attempts == 1 and row.sent_at is not None


def test_smtp_password_is_never_shown_back_and_kept_when_left_empty(app, signed_in):
    admin = signed_in("root", role="admin")
    form = {"name": "Test site", "default_access": "public", "connection_word": "connection",
            "smtp_host": "smtp.example.org", "smtp_port": "587", "smtp_password": "s3cret-value",
            "trash_days": "30", "comment_edit_minutes": "30"}
    assert admin.post_form("/admin/settings", form, follow_redirects=False).status_code == 303
    app.invalidate()
    page = admin.get("/admin/settings").text
    assert "s3cret-value" not in page
    form["smtp_password"] = ""
    admin.post_form("/admin/settings", form)
    app.invalidate()
    with database.connection_context():
        assert app.runtime("test").settings["smtp_password"] == "s3cret-value"
