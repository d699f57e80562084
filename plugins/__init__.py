"""Bundled maillage plugins: one package each, found by core.plugins.discover()."""
