"""Sign in and sign out, with rate limits per network address and per account + address pair.

Like Django-axes's "username and address" mode: wrong passwords from one address lock that address out
of that account only, so an attacker cannot lock the owner out from elsewhere (issue 19, point 7). An
owner throttled all the same (sharing the attacker's address) asks for an unlock link: mailed through
the outbox to the account's address, it signs them in once, within :data:`UNLOCK_MAX_AGE`, while whoever
does not read that mailbox stays throttled."""

from core import auth, mail, ratelimit, tokens, urls, web
from core.i18n import gettext as _
from core.models import Account, Entity

PER_ADDRESS = (30, 15 * 60)  # attempts from one network address per 15 minutes
PER_ACCOUNT = (8, 15 * 60)  # failed attempts on one e-mail address from one network address per 15 minutes
UNLOCK_MAX_AGE = 30 * 60  # an unlock link works once, within 30 minutes
UNLOCK_PER_ADDRESS = (5, 3600)  # unlock links asked from one network address per hour
UNLOCK_PER_ACCOUNT = (3, 3600)  # unlock links mailed to one account per hour


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
            error, status = _("Too many sign-in attempts. Wait 15 minutes, ask for a link to sign in, or "
                              "choose a new password."), 429
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
    return web.render(request, "core/signin.html", {"error": error, "email": email, "next": next_url,
                                                    "throttled": status == 429}, status_code=status)


def signout(request):
    """End the session."""
    auth.logout(request)
    return web.redirect(request, "/")


def _seen(account: Account) -> str:
    """What an unlock link is bound to: the last sign-in, which the link's use changes (so it works once)."""
    return account.last_login.isoformat() if account.last_login else ""


def unlock_request(request):
    """Mail a link that signs the account's owner in despite the throttling (the same answer whether the
    address has an account or not)."""
    site = web.site_of(request)
    email = (web.form(request).get("email") or "").strip().lower()
    error = None
    if not ratelimit.hit(f"unlock:ip:{ratelimit.client_address(request)}", *UNLOCK_PER_ADDRESS):
        error = _("Too many attempts from your address. Wait a while and try again.")
    elif email and ratelimit.hit(f"unlock:email:{site.id}:{email}", *UNLOCK_PER_ACCOUNT):
        account = (Account.select(Account, Entity).join(Entity)
                   .where(Account.site == site.id, Account.email == email, Account.state == "active").first())
        if account is not None:
            token = tokens.make(site, "unlock", {"uid": account.guid, "seen": _seen(account)})
            link = urls.absolute(site, web.url_for(request, "signin-unlock-open", token=token), request)
            mail.send(site, account.email, _("Your link to sign in to %(site)s") % {"site": site.name},
                      _("Hello %(name)s,\n\nSign-in to your account was blocked after too many wrong passwords. "
                        "To sign in anyway, open this link within 30 minutes (it works once):\n%(link)s\n\n"
                        "If you did not ask for it, someone may be guessing your password: choose a stronger one "
                        "once signed in.") % {"name": account.name, "link": link})
    return web.render(request, "core/unlock.html", {"sent": error is None, "email": email, "error": error},
                      status_code=429 if error else 200)


def unlock_open(request):
    """The mailed link: a button (a GET changes nothing, and mail scanners open links) that signs in."""
    site = web.site_of(request)
    try:
        data = tokens.read(site, "unlock", request.path_params["token"], UNLOCK_MAX_AGE)
    except tokens.TokenError as exc:
        message = _("This link has expired: ask for a new one.") if exc.expired else _("This link is not valid.")
        return web.render(request, "core/unlock.html", {"invalid": message}, status_code=400)
    account = (Account.select(Account, Entity).join(Entity)
               .where(Account.entity == data["uid"], Account.site == site.id).first())
    if account is None or account.state != "active" or _seen(account) != data["seen"]:
        return web.render(request, "core/unlock.html", {"invalid": _("This link was already used.")},
                          status_code=400)
    if request.method == "POST":  # the counters stay: whoever else guesses from this address stays throttled
        auth.login(request, account)
        web.flash(request, _("Welcome, %(name)s.") % {"name": account.name})
        return web.redirect(request, "/")
    return web.render(request, "core/unlock.html", {"account": account})
