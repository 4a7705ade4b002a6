"""Python's cyclic garbage collector, paused while checks run.

A check keeps every parse tree node, name, call and member it reads for as long as it runs
(about 10^5 objects per MB of Dart), and the collector's full passes walk all of them: on the
bench's 3 MB file six passes took 0.4 s of a 2.9 s check, and found nothing to free (0
objects collected in all of a check's passes over flutter/examples/api too: the checks make
no reference cycles). Reference counting frees everything else as before; what cycles other
code makes meanwhile are collected when the last check running ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pauses:
    """How many checks are running, and whether the collector ran before the first began."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.was_enabled = False


_pauses = _Pauses()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep the cyclic collector off inside; checks in other threads may overlap."""
    with _pauses.lock:
        if _pauses.running == 0:
            _pauses.was_enabled = gc.isenabled()
            gc.disable()
        _pauses.running += 1
    try:
        yield
    finally:
        with _pauses.lock:
            _pauses.running -= 1
            if _pauses.running == 0 and _pauses.was_enabled:
                gc.enable()
