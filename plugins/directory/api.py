"""What other plugins may use of the directory plugin (its only public module).

``Organisation`` holds a card's address, commune and coordinates (one row per organisation
entity of kind :data:`KIND`); ``silent_condition`` selects cards that have gone silent.
The animation plugin reads these for its territory figures. ``taxonomy(site)`` is the site's
theme tree as the directory uses it (the site file's ``[[taxonomy]]``, or the tree the
administrator edited at /directory/themes); it reads no table of the directory, so a plugin may
ask it whether or not the directory is enabled (the offers plugin files its ads under it).
"""

from __future__ import annotations

from plugins.directory.cards import taxonomy
from plugins.directory.figures import KIND, SILENT_DAYS, silent_condition
from plugins.directory.models import Organisation

__all__ = ["KIND", "SILENT_DAYS", "Organisation", "silent_condition", "taxonomy"]
