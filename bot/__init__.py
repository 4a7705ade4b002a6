"""Speaks GitHub: webhooks, commands, App auth, per-repo config and the publisher."""
