"""The forums plugin: discussion topics inside groups."""
