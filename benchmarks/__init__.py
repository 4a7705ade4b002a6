"""Benchmarks that need tests/ (its fakes), kept out of the installed package."""
