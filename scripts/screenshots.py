"""Regenerate docs/screenshots/: the key pages of the two demo sites in Chromium, on a desktop (1280×900)
and on a phone (390×844).

    .venv/bin/python scripts/screenshots.py            (about a minute; needs /usr/bin/chromium)

It builds the demo sites in a temporary folder, serves them with ``maillage run`` and signs in as the
demo member (or the administrator) where a page needs it. Pages of the portal: home, directory with its
map, an organisation's card, the agenda's month, an event, a group's forum, a member's home, the messages,
the needs and offers, the shared links (most useful, a weekly synthesis) and the animator's dashboard and
territory; the association's site (the default theme): its home.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.demo_server import ADMIN, CHROMIUM, CHROMIUM_ARGS, MEMBER, DemoServer, sign_in  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def first_link(page, base: str, path: str, pattern: str) -> str:
    """The first link of ``path`` whose address matches ``pattern``."""
    page.goto(base + path)
    for href in page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))"):
        if re.fullmatch(pattern, href.split("?")[0]):
            return href
    raise SystemExit(f"no link matching {pattern} on {path}")


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with DemoServer() as demo, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        portail = demo.url("portail")
        for name, viewport in VIEWPORTS.items():
            visitor = browser.new_context(viewport=viewport, locale="fr-FR").new_page()
            card = first_link(visitor, portail, "/directory/", r"/directory/\d+")
            with_logo = visitor.locator("ul.directory-results li:has(img.directory-logo-small) a").first
            if with_logo.count():
                card = with_logo.get_attribute("href")  # a card with its logo shows more
            event = first_link(visitor, portail, "/agenda/", r"/agenda/\d+")
            member = browser.new_context(viewport=viewport, locale="fr-FR").new_page()
            sign_in(member, portail, MEMBER)
            group = first_link(member, portail, "/groups/", r"/groups/\d+")
            forum = first_link(member, portail, group, r"/forums/in/\d+")
            admin = browser.new_context(viewport=viewport, locale="fr-FR").new_page()
            sign_in(admin, portail, ADMIN)
            synthesis = first_link(visitor, portail, "/veille/syntheses", r"/veille/syntheses/\d+")
            shots = [(visitor, "/", "home"), (visitor, "/directory/", "directory"), (visitor, card, "card"),
                     (visitor, "/agenda/month", "agenda-month"), (visitor, event, "event"),
                     (member, forum, "group-forum"), (member, "/", "member-home"), (member, "/messages/", "messages"),
                     (member, "/offers/", "offers"), (visitor, "/veille/useful", "veille-useful"),
                     (visitor, synthesis, "veille-synthesis"), (admin, "/animation/?period=365", "animation-dashboard"),
                     (admin, "/animation/territory", "animation-territory")]
            asso = browser.new_context(viewport=viewport, locale="fr-FR").new_page()
            shots.append((asso, demo.url("asso") + "/", "asso-home"))
            for page, path, label in shots:
                page.goto(path if path.startswith("http") else portail + path)
                if label == "agenda-month" and page.locator(".calendar td:not(.other-month) li").count() == 0:
                    page.click("a[rel=next]")  # the demo's events start next month
                page.wait_for_load_state("networkidle")
                page.screenshot(path=OUT / f"{label}-{name}.png")
                print(f"docs/screenshots/{label}-{name}.png  ({path})")
            for page in (visitor, member, admin, asso):
                page.context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
