"""Helpers shared by tests: scripted engines and collecting sinks."""
