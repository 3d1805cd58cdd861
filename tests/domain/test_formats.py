"""Wire formats of the presenters: the fast timestamp renders exactly as strftime did; compiled field
tables show what their tables say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from sandbox.presenters import formats
from sandbox.presenters.formats import Field, compile_fields, timestamp


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


def test_a_remembered_stamp_is_the_same_instant_in_any_zone() -> None:
    utc = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)
    plus_two = utc.astimezone(timezone(timedelta(hours=2)))
    assert timestamp(plus_two) == timestamp(utc) == "2024-06-01T12:00:00Z"
    assert timestamp(utc + timedelta(microseconds=1)) == "2024-06-01T12:00:00Z"


def test_the_remembered_stamps_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "_STAMPS", {})
    monkeypatch.setattr(formats, "_STAMPS_KEPT", 3)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    shown = [timestamp(start + timedelta(seconds=s)) for s in range(10)]
    assert shown == [_strftime(start + timedelta(seconds=s)) for s in range(10)]
    assert len(formats._STAMPS) <= 3


class _Item:
    def __init__(self) -> None:
        self.name = "Ann"
        self.inner = self
        self.when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_compiled_fields_keep_the_contracts_order_nulls_and_converters() -> None:
    table = {
        "name": Field("name"),
        "when": Field("inner.when", timestamp),
        "nothing": Field(None),
        "shout": Field("inner.name", str.upper),
    }
    present = compile_fields(table, ["shout", "nothing", "when", "name"])
    shown = present(_Item())
    assert list(shown) == ["shout", "nothing", "when", "name"]
    assert shown == {"shout": "ANN", "nothing": None, "when": "2024-01-02T03:04:05Z", "name": "Ann"}
    assert present(_Item()) is not shown  # a new dict per item


@pytest.mark.parametrize("path", ["name; import os", "inner..name", "name()", ""])
def test_a_field_path_must_be_dotted_attribute_names(path: str) -> None:
    with pytest.raises(ValueError, match="dotted attribute path"):
        compile_fields({"name": Field(path)}, ["name"])
