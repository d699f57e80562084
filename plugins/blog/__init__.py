"""The blog plugin: the reference example of a content plugin (see docs/tutorial-blog.md)."""
