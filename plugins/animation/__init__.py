"""The animator's toolbox: adoption dashboard, introductions and featured content."""
