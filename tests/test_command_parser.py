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


def test_a_longer_fence_is_not_closed_by_a_shorter_one() -> None:
    body = "````markdown\n```\n/retry lib/a.dart\n```\n````\n/status"
    found = parse_commands(body)
    assert not found.retry_asked and found.status


def test_an_unclosed_fence_runs_to_the_end() -> None:
    assert not parse_commands("```\n/retry lib/a.dart").any


def test_a_backtick_in_the_info_string_is_no_fence() -> None:
    assert parse_commands("``` x ` y\n/status").status


def test_lazy_quote_continuation_lines_are_quoted_until_a_blank_line() -> None:
    body = "> Please run\n/retry lib/a.dart\n\n/status"
    found = parse_commands(body)
    assert not found.retry_asked and found.status


def test_html_comments_and_pre_blocks_are_ignored() -> None:
    body = (
        "<!-- /retry lib/a.dart -->\n"
        "<!--\n/cancel\n-->\n"
        "<pre>\n/retry lib/b.dart\n</pre>\n"
        "<PRE class='x'>/cancel</PRE>\n"
        "/status"
    )
    found = parse_commands(body)
    assert (found.retry_asked, found.cancel, found.status) == (False, False, True)


def test_a_command_after_a_closed_fence_still_counts() -> None:
    assert parse_commands("~~~~\n~~~\n/cancel\n~~~~~\n/retry lib/a.dart").retry == ["lib/a.dart"]
