"""Issue 16 points 8 and 11, 'How': the header keeps at most six main entries (the rest under "More") and
the acting-as switch inside the account menu; the shared macros of core/ui.html and core/_forms.html
render for any plugin; Bootstrap, Leaflet and markercluster are served from their xstatic packages."""

import datetime as dt
import re

import pytest

from core.db import database
from core.models import Entity, Relationship

ALL = ["blog", "agenda", "directory", "groups", "forums", "documents", "wire"]


def _between(text, start, end):
    i = text.index(start)
    return text[i:text.index(end, i)]


@pytest.mark.site(plugins=ALL)
def test_header_has_at_most_six_main_entries_and_groups_the_rest(signed_in):
    ada = signed_in("ada")
    header = _between(ada.get("/").text, "<header", "</header>")
    main_menu = _between(header, '<ul class="navbar-nav me-auto">', '<ul class="navbar-nav user-nav">')
    entries = main_menu.count('<li class="nav-item">')
    assert entries <= 6
    assert '<details class="nav-more">' in main_menu, "ten entries for a member: some must be grouped under 'More'"
    grouped = main_menu.count('class="dropdown-item"')
    assert grouped >= 4 and entries - 1 + grouped >= 10
    # the account menu (a <details>, usable without JavaScript) holds sign-out and the member's pages
    account = _between(header, '<details class="nav-more end user-menu">', "</details>")
    assert 'action="/signout"' in account and 'href="/account"' in account


@pytest.mark.site(plugins=["directory"])
def test_acting_as_switch_sits_in_the_account_menu(signed_in, app):
    ada = signed_in("ada")
    with database.connection_context():
        org = Entity.create(site="test", kind="directory.organisation", title="Les Amis du Jardin", access="public")
        Relationship.create(site="test", subject=ada.account.guid, verb="manages", object=org.guid)
    header = _between(ada.get("/").text, "<header", "</header>")
    account = _between(header, '<details class="nav-more end user-menu">', "</details>")
    assert '<form method="post" action="/acting-as" class="acting-switch">' in account and 'id="acting-as"' in account
    assert header.count('class="acting-switch"') == 1  # nowhere else in the header


def test_vendor_files_come_from_the_xstatic_packages(client):
    from pathlib import Path

    import core

    assert not (Path(core.__file__).parent / "static" / "vendor").exists()
    for path in ("/static/vendor/bootstrap/css/bootstrap.min.css", "/static/vendor/bootstrap/js/bootstrap.bundle.min.js",
                 "/static/vendor/leaflet/leaflet.js", "/static/vendor/markercluster/leaflet.markercluster.js"):
        assert client.get(path).status_code == 200, path
    page = client.get("/").text
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in page and "/static/core/maillage.css" in page


PLUGIN_TEMPLATE = """
{%- import "core/ui.html" as ui -%}{%- import "core/_forms.html" as forms -%}
{{ ui.tabs([("/poll/", "Open"), ("/poll/closed", "Closed")], "Polls", current="/poll/closed") }}
{% call(p) ui.cards(polls, grid=True, empty="none") %}{{ ui.card(p.title, url="/poll/1", image=ui.avatar(p, 40), meta="meta") }}{% endcall %}
{{ ui.cards([], empty="No poll yet.") }}
{{ ui.date_badge(day) }}
{{ forms.input("question", "Question", "", "Too short", required=True) }}
{% call forms.field("colour", "Colour") %}<input id="f-colour" name="colour">{% endcall %}
"""


def test_shared_macros_render_for_a_plugin(app):
    from types import SimpleNamespace

    from core import i18n

    site = app.runtime("test")
    i18n.activate(site.translations("fr"), "fr")
    polls = [SimpleNamespace(title="Les Amis du Jardin", kind="poll.poll", guid=1)]
    html = site.templates.from_string(PLUGIN_TEMPLATE).render(polls=polls, day=dt.date(2026, 12, 12))
    assert '<a class="nav-link active" href="/poll/closed" aria-current="page">Closed</a>' in html
    assert 'class="card-list grid' in html and '<a href="/poll/1">Les Amis du Jardin</a>' in html
    assert re.search(r'<span class="initials s40 c\d square" aria-hidden="true">AJ</span>', html)  # small words skipped
    assert "No poll yet." in html
    assert 'class="date-badge"' in html and ">déc.<" in html and ">12<" in html and ">sam.<" in html
    assert 'aria-invalid="true"' in html and 'id="f-question-error"' in html and 'for="f-colour"' in html


CARDS = """{%- import "core/ui.html" as ui -%}
{{ ui.card(t, url=u, image=img, cover=u, cover_alt=t, meta=t, text=t, heading="h2", class="wide") }}|{{ card_markup(t, u, img, u, t, t, t, "h2", "wide") }}|
{%- call ui.card(t, meta="m") %}<p>{{ t }}</p>{% endcall %}|{{ card_markup(t, meta="m", body=body) }}|{{ ui.card("plain") }}
"""


def test_a_card_is_the_same_from_the_macro_and_from_the_function(app):
    """ui.card calls core.components.card (card_markup, which long lists call themselves): the same markup,
    every text escaped, markup kept."""
    from markupsafe import Markup

    site = app.runtime("test")
    hostile, url = '<script>alert("x")</script>', "/cards?a=1&b=<2>"
    html = site.templates.from_string(CARDS).render(t=hostile, u=url, img=Markup('<img alt="">'),
                                                    body=Markup(f"<p>{Markup.escape(hostile)}</p>"))
    from_macro, from_function, called, called_function, plain = html.strip().split("|")
    assert from_macro == from_function and called == called_function
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in from_macro
    assert '<a href="/cards?a=1&amp;b=&lt;2&gt;">' in from_macro and '<img alt="">' in from_macro
    assert from_macro.startswith('<article class="card item-card wide"><img class="card-img-top" src="/cards?a=1&amp;b')
    assert '<h2 class="card-title">' in from_macro and '<p class="card-text">' in from_macro
    assert '<p class="meta mb-0">m</p><p>&lt;script&gt;' in called
    assert plain == ('<article class="card item-card ">  <div class="card-body">    <div class="item-text">\n'
                     '      <h3 class="card-title">plain</h3>    </div>\n  </div>\n</article>')


def test_a_page_has_one_main_heading():
    """core/base.html writes the page's <h1> from its title; a template that keeps that layout (does not
    replace ``block main``) and writes an <h1> of its own shows the title twice (the relations page did)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    doubled = []
    for template in sorted([*root.glob("core/templates/**/*.html"), *root.glob("plugins/*/templates/**/*.html"),
                            *root.glob("themes/*/templates/**/*.html")]):
        text = template.read_text(encoding="utf-8")
        if '{% extends "core/base.html" %}' in text and "{% block main %}" not in text and "<h1" in text:
            doubled.append(str(template.relative_to(root)))
    assert doubled == []


def test_the_relations_page_says_its_title_once(signed_in):
    page = signed_in("ada").get("/relations").text
    assert page.count("<h1") == 1
