"""The offline engine: deterministic, template-driven answers with no network."""

from pipeline.engines.offline.engine import OfflineEngine

__all__ = ["OfflineEngine"]
