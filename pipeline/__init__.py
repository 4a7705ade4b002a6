"""The factory: turns an app idea into a Flutter project through agents, gates and a DAG.

This package knows nothing of GitHub; it reports what happens as events to a sink.
"""
