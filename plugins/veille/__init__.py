"""The veille plugin: links members share and qualify (note, themes, tags, rating, "useful"
votes), browsed by theme, tag, group and period, and a weekly synthesis mail."""
