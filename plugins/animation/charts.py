"""Charts as SVG drawn on the server with pygal: readable without JavaScript, with a title and a
description for screen readers; the page also gives the same numbers in a table."""

from __future__ import annotations

import re

import pygal
from babel.dates import format_date
from pygal.style import Style

from core import i18n

STYLE = Style(background="transparent", plot_background="transparent", foreground="#333",
              foreground_strong="#111", foreground_subtle="#ccc", colors=("#2a6f97",), font_family="sans-serif",
              label_font_size=11, major_label_font_size=11, value_font_size=11)


def svg(title: str, points: list, bar: bool = True) -> bytes:
    """An SVG chart of ``points`` (``[(date, value)]``), no script, sized for a dashboard tile."""
    chart_class = pygal.Bar if bar else pygal.Line
    chart = chart_class(style=STYLE, width=420, height=200, explicit_size=True, show_legend=False, js=[],
                        disable_xml_declaration=True, show_y_guides=True, x_label_rotation=0,
                        show_minor_x_labels=False, print_values=False, margin=8, include_x_axis=True,
                        no_data_text="—", title=None, truncate_label=-1)
    labels = [format_date(day, "d MMM", locale=i18n.current_language()) for day, _ in points]
    chart.x_labels = labels
    chart.x_labels_major = labels[:: max(1, len(labels) // 6)]
    top = max((value for _, value in points), default=0)
    step = max(1, -(-top // 4))
    chart.y_labels = list(range(0, top + step + 1, step))
    chart.add(title, [value for _, value in points])
    rendered = re.sub(r"<script.*?</script>", "", chart.render(is_unicode=True), flags=re.S)
    return rendered.replace("<svg ", f'<svg role="img" aria-label="{_attr(title)}" ', 1).encode()


def _attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;"))
