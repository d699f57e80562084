"""maillage: a self-hosted social network framework for associations and territories.

The public API a plugin may use is re-exported here and in the modules named in
docs/plugins.md: ``hookimpl``, ``core.models``, ``core.access``, ``core.web``,
``core.i18n``, ``core.activity``, ``core.settings`` and ``core.commands``; names
starting with ``_`` are private.
"""

import pluggy

__version__ = "0.1.0"

PROJECT = "maillage"

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Decorator marking a plugin function as the implementation of a hook."""

hookspec = pluggy.HookspecMarker(PROJECT)
