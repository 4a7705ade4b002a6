"""The scratch PostgreSQL databases of the tests skip, saying why, when the server refuses."""

from __future__ import annotations

import pytest

from tests import databases


@pytest.mark.parametrize(("setting", "value"), [
    ("PG_ADMIN_DATABASE", "no_such_database"),  # the server is up without the `test` database
    ("PG_USER", "no_such_role"),
    ("PG_PORT", 1),  # nothing listens there
])
def test_a_refusing_server_skips_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, setting: str, value: object
) -> None:
    monkeypatch.setattr(databases, setting, value)
    with (pytest.raises(pytest.skip.Exception, match=r"refused|not reachable") as skipped,
          databases.scratch_database("test_databases")):
        pytest.fail("a database was made")
    if setting != "PG_PORT" and "not reachable" not in str(skipped.value):
        assert str(value) in str(skipped.value)
