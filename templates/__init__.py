"""Prompt templates per agent, and the Flutter scaffold generated apps start from."""
