"""Log lines for the long-running commands: the message, then its `extra` fields as key=value."""

from __future__ import annotations

import logging

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message", "asctime", "taskName"}


class FieldsFormatter(logging.Formatter):
    """Appends the fields passed with `extra=` (delivery id, run id...) so they are searchable."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        if not fields:
            return line
        return line + " " + " ".join(f"{k}={v!r}" for k, v in sorted(fields.items()))


def setup_logging(level: int = logging.INFO) -> None:
    """Send INFO and above to stderr through FieldsFormatter."""
    handler = logging.StreamHandler()
    handler.setFormatter(FieldsFormatter(LOG_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
