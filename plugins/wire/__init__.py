"""Status updates: short posts with clickable links and @mentions, shown in the feeds."""
