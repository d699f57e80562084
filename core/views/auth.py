"""Sign in and sign out, with rate limits per network address and per account + address pair.

Like Django-axes's "username and address" mode: wrong passwords from one address lock that address out
of that account only, so an attacker cannot lock the owner out from elsewhere (issue 19, point 7)."""

from core import auth, ratelimit, web
from core.i18n import gettext as _
from core.models import Account, Entity

PER_ADDRESS = (30, 15 * 60)  # attempts from one network address per 15 minutes
PER_ACCOUNT = (8, 15 * 60)  # failed attempts on one e-mail address from one network address per 15 minutes


def signin(request):
    """Ask for e-mail and password; the same message for an unknown address and a wrong password."""
    site = web.site_of(request)
    next_url = web.safe_next(request.query_params.get("next"))
    error, email, status = None, "", 200
    if request.method == "POST":
        data = web.form(request)
        email = (data.get("email") or "").strip().lower()
        next_url = web.safe_next(data.get("next"))
        address = ratelimit.client_address(request)
        per_account = f"signin:email:{site.id}:{email}:ip:{address}"
        if not ratelimit.hit(f"signin:ip:{address}", *PER_ADDRESS) \
                or ratelimit.exceeded(per_account, *PER_ACCOUNT):
            error, status = _("Too many sign-in attempts. Wait 15 minutes, or choose a new password."), 429
        else:
            account = (Account.select(Account, Entity).join(Entity)
                       .where(Account.site == site.id, Account.email == email).first())
            if account is None:
                auth.dummy_verify()
            if account is None or not auth.verify_password(account, data.get("password") or ""):
                ratelimit.hit(per_account, *PER_ACCOUNT)
                error, status = _("The e-mail address or the password is wrong."), 400
            elif account.state == "banned":
                error, status = _("This account is suspended. Contact the site's administrators."), 403
            elif account.state != "active":
                error, status = _("This account cannot sign in yet. Check your mail for the validation link "
                                  "or wait for an administrator's approval."), 403
            else:
                ratelimit.reset(per_account)
                auth.login(request, account)
                web.flash(request, _("Welcome, %(name)s.") % {"name": account.name})
                return web.redirect(request, next_url)
    return web.render(request, "core/signin.html", {"error": error, "email": email, "next": next_url},
                      status_code=status)


def signout(request):
    """End the session."""
    auth.logout(request)
    return web.redirect(request, "/")
