"""The groups plugin: thematic, geographic or club groups that other plugins publish in."""
