"""The home page and the language switch."""

from core import i18n, web


def index(request):
    """The site's home page: its description and the widgets plugins put there."""
    from core.views.feeds import site_items

    site = web.site_of(request)
    place = "dashboard" if web.current_user(request) else "home"
    return web.render(request, "core/home.html", {"widgets": site.widgets(request, place), **site_items(request)})


def hide_first_steps(request):
    """Hide the first-steps panel of the member's home for good."""
    from core import first_steps

    user = web.require_user(request)
    first_steps.hide(web.site_of(request), user)
    return web.redirect(request, "/")


def set_language(request):
    """Remember the language chosen in the footer.

    A visitor follows a plain link (GET), so pages need no form, hence no session: it sets the language of
    the session only. A signed-in member's footer holds small forms (POST, CSRF-checked) that also save the
    language of the account; a GET never changes an account (a link or an image on another site could)."""
    data = web.form(request) if request.method == "POST" else request.query_params
    lang = data.get("lang")
    if lang in i18n.LANGUAGES:
        request.session["lang"] = lang
        user = web.current_user(request)
        if user is not None and request.method == "POST":
            user.language = lang
            user.save(only=["language"])
    return web.redirect(request, web.safe_next(data.get("next")))
