"""Wire formats of the presenters: the fast timestamp renders exactly as strftime did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from sandbox.presenters.formats import timestamp


def _strftime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    "value",
    [
        datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC),
        datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),  # fractions are dropped, not rounded
        datetime(2025, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),  # another zone: shown in UTC
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
    ],
)
def test_timestamp_renders_as_strftime_does(value: datetime) -> None:
    assert timestamp(value) == _strftime(value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC), "0999-01-02T03:04:05Z"),
        (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00Z"),
    ],
)
def test_a_year_under_1000_has_four_digits_as_rfc_3339_wants(value: datetime, shown: str) -> None:
    assert timestamp(value) == shown


def test_no_timestamp_is_null() -> None:
    assert timestamp(None) is None
