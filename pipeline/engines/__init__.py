"""Engines answer agents' asks: by prompting a model, or by computing the answer."""
