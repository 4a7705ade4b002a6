"""Benchmarks of the brief's headline numbers, one module per benchmark."""
