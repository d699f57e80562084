"""Sign in and sign out."""

from core import auth, web
from core.i18n import gettext as _
from core.models import Account, Entity


def signin(request):
    """Ask for e-mail and password; the same message for an unknown address and a wrong password."""
    site = web.site_of(request)
    next_url = web.safe_next(request.query_params.get("next"))
    error = None
    email = ""
    if request.method == "POST":
        data = web.form(request)
        email = (data.get("email") or "").strip().lower()
        password = data.get("password") or ""
        next_url = web.safe_next(data.get("next"))
        account = (Account.select(Account, Entity).join(Entity)
                   .where(Account.site == site.id, Account.email == email).first())
        if account is None:
            auth.dummy_verify()
            error = _("The e-mail address or the password is wrong.")
        elif not auth.verify_password(account, password):
            error = _("The e-mail address or the password is wrong.")
        elif account.state != "active":
            error = _("This account cannot sign in yet. Check your mail for the validation link "
                      "or wait for an administrator's approval.")
        else:
            auth.login(request, account)
            web.flash(request, _("Welcome, %(name)s.") % {"name": account.name})
            return web.redirect(request, next_url)
    status = 400 if error else 200
    return web.render(request, "core/signin.html",
                      {"error": error, "email": email, "next": next_url}, status_code=status)


def signout(request):
    """End the session."""
    auth.logout(request)
    return web.redirect(request, "/")
