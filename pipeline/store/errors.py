"""Errors of the run store beyond the pipeline's shared ones."""

from __future__ import annotations

from pipeline.errors import FactoryError


class DuplicateRun(FactoryError):
    """A run was created with an id that is already taken."""


class FileNotPlanned(FactoryError):
    """A file's status was set for a path the run's plan does not have."""


class StoreUnavailable(FactoryError):
    """The database connection was lost; the work in hand can be retried once it is back."""
