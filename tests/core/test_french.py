"""No raw identifier reaches a French page: every msgid has its French translation, no msgid is
translated two ways by two components (the merged catalog would pick one: the agenda's "To" date read
"Destinataire"), and the administration pages show labels, never stored values such as ``pending``."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RAW = re.compile(r"(?<![\w@.\-/])(pending|awaiting_approval|invited|banned|member|moderator|admin|Administrator|"
                 r"member_of|manages|connection_requested|email|name|role)(?![\w@.\-/])")


def _i18n():
    from core.commands import i18n

    return i18n


def test_every_msgid_has_its_french_translation():
    i18n = _i18n()
    gaps = {name: i18n.missing(folder, "fr") for name, folder in i18n.components().items()}
    gaps = {name: found for name, found in gaps.items() if found}
    assert not gaps, f"untranslated in French: {gaps}"


def test_no_msgid_is_translated_two_ways():
    i18n = _i18n()
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for name, folder in i18n.components().items():
        catalog = i18n.load(i18n.po_path(folder, "fr"), "fr")
        for msg in catalog:
            if not msg.id or not isinstance(msg.id, str) or not msg.string:
                continue
            if msg.id in seen and seen[msg.id][1] != msg.string:
                clashes.append(f"{msg.id!r}: {seen[msg.id][0]} says {seen[msg.id][1]!r}, {name} says {msg.string!r}")
            seen.setdefault(msg.id, (name, msg.string))
    assert not clashes, "one msgid, two French translations (give them distinct msgids): " + "; ".join(clashes)


class Text(HTMLParser):
    """The visible text of a page (no attributes, scripts or styles)."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.mark.site(plugins=["groups", "directory", "agenda", "blog"], language="fr", registration="approval")
def test_admin_pages_in_french_show_no_raw_values(signed_in, member_factory, client):
    admin = signed_in("ada", role="admin")
    waiting = member_factory("bob", state="awaiting_approval")
    pending = member_factory("carl", state="pending")
    member_factory("dora", role="moderator")
    pages = ["/admin", "/admin/people", f"/admin/people/{waiting.guid}", f"/admin/people/{pending.guid}",
             "/admin/people?state=pending", "/admin/import-members", "/admin/settings", "/admin/plugins",
             "/admin/notifications", "/admin/signup-codes", f"/members/{pending.guid}"]
    for path in pages:
        response = admin.get(path)
        assert response.status_code == 200, path
        found = sorted(set(RAW.findall(visible(response.text))))
        assert not found, f"{path} shows raw values {found}"
    person = visible(admin.get(f"/admin/people/{waiting.guid}").text)
    assert "en attente" in person
    assert "Destinataire" not in visible(admin.get("/agenda/").text)
