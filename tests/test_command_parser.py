"""Slash commands in PR comments: what counts as a command and what is ignored."""

from __future__ import annotations

from bot.command_parser import command_lines, parse_commands


def test_retry_with_a_path_and_a_note() -> None:
    found = parse_commands("/retry lib/screens/cart_screen.dart make the total bold")
    assert found.retry == ["lib/screens/cart_screen.dart"]
    assert found.note == "make the total bold"
    assert found.any and not found.status and not found.cancel


def test_bare_names_backticks_and_several_files() -> None:
    found = parse_commands("/retry `cart_screen.dart` lib/main.dart 'pubspec.yaml'")
    assert found.retry == ["cart_screen.dart", "lib/main.dart", "pubspec.yaml"]
    assert found.note == ""


def test_several_retry_lines_merge_into_one_retry() -> None:
    body = "Two fixes:\n/retry lib/a.dart use a ListView\n\n/retry lib/b.dart lib/a.dart\n"
    found = parse_commands(body)
    assert found.retry == ["lib/a.dart", "lib/b.dart"]
    assert found.note == "use a ListView"


def test_a_note_that_ends_with_a_period_is_not_a_path() -> None:
    found = parse_commands("/retry lib/a.dart fix it.")
    assert (found.retry, found.note) == (["lib/a.dart"], "fix it.")


def test_quoted_replies_and_code_are_ignored() -> None:
    body = (
        "> /retry lib/a.dart\n"
        ">> /cancel\n"
        "```\n/retry lib/b.dart\n```\n"
        "~~~text\n/status\n~~~\n"
        "    /cancel\n"
        "Thanks!"
    )
    assert not parse_commands(body).any
    assert command_lines(body) == ["Thanks!"]


def test_status_cancel_unknown_and_plain_text() -> None:
    found = parse_commands("/status\r\n/cancel\n/deploy now\nnot /retry here")
    assert found.status and found.cancel and found.unknown == ["deploy"]
    assert not found.retry_asked
    assert not parse_commands("I will /retry later").any


def test_retry_without_a_file_is_still_a_request() -> None:
    found = parse_commands("/retry please")
    assert found.retry_asked and found.retry == [] and found.note == "please"
