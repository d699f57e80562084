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
    """Remember the visitor's language choice (and the member's, if signed in).

    A plain link (GET) so that pages need no form, hence no session, for visitors.
    """
    data = request.query_params
    lang = data.get("lang")
    if lang in i18n.LANGUAGES:
        request.session["lang"] = lang
        user = web.current_user(request)
        if user is not None:
            user.language = lang
            user.save(only=["language"])
    return web.redirect(request, web.safe_next(data.get("next")))
