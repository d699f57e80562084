"""The documents plugin: a document library and a photo library."""
