"""The messages plugin: private conversations and letters to members (see docs/plugins/messages.md)."""
