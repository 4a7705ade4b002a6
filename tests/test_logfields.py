"""Log lines carry their `extra` fields."""

from __future__ import annotations

import logging

from factory.logfields import LOG_FORMAT, FieldsFormatter


def test_extra_fields_follow_the_message() -> None:
    record = logging.LogRecord("bot.webhook", logging.WARNING, __file__, 1, "webhook failed",
                               None, None)
    record.delivery_id = "abc"
    record.event = "issues"
    line = FieldsFormatter(LOG_FORMAT).format(record)
    assert line.endswith("WARNING bot.webhook webhook failed delivery_id='abc' event='issues'")


def test_plain_records_are_unchanged() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    assert FieldsFormatter("%(message)s").format(record) == "hello"
