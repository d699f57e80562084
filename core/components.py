"""The markup of core/ui.html's components that long lists repeat, written in Python.

A Jinja2 macro call costs more than the markup it writes: a directory page of thirty cards spent a fifth of
its time calling ``ui.card`` and the macros inside it. The macros stay the way templates write a component
(``{{ ui.card(...) }}``, ``{% call ui.card(...) %}``) and call these functions, so both write the same
markup; a list of many items may call the function itself (``{{ card_markup(...) }}``), as feeds call
``avatar_markup``. They build strings with :func:`markupsafe.escape` on every value (``Markup.format``
parses its pattern on each call: three times slower).
"""

from __future__ import annotations

from markupsafe import Markup, escape


def card(title, url=None, image=None, cover=None, cover_alt="", meta=None, text=None, heading="h3",
         class_="", body=None) -> Markup:
    """``ui.card``: a card with an optional cover picture, a small ``image`` (an avatar or a logo: markup),
    the ``title`` (a link to ``url``), a ``meta`` line, then ``body`` (markup: what a ``{% call %}`` gives)
    or a paragraph of ``text``. Text is escaped; markup is kept."""
    top = f'<img class="card-img-top" src="{escape(cover)}" alt="{escape(cover_alt)}" loading="lazy">' if cover else ""
    name = f'<a href="{escape(url)}">{escape(title)}</a>' if url else escape(title)
    line = f'<p class="meta mb-0">{escape(meta)}</p>' if meta else ""
    if body is None:
        body = f'<p class="card-text">{escape(text)}</p>' if text else ""
    else:
        body = escape(body)
    tag = escape(heading)
    return Markup(f'<article class="card item-card {escape(class_)}">{top}  <div class="card-body">{escape(image or "")}'
                  f'    <div class="item-text">\n      <{tag} class="card-title">{name}</{tag}>{line}{body}'
                  '    </div>\n  </div>\n</article>')
