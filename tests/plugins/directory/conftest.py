"""What the directory tests share: the theme tree of their site."""

THEMES = """
[[taxonomy]]
label = "Sport"
children = ["Football", "Randonnée"]

[[taxonomy]]
label = "Culture"
"""
