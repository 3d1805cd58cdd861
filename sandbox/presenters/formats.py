"""How values look on the wire: the real service's timestamp and date formats, JSON:API objects."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any


def timestamp(value: datetime | None) -> str | None:
    """RFC 3339 in UTC to the second, as every timestamp of the API is rendered."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def millis_timestamp(value: datetime | None) -> str | None:
    """Partnership `challenged_at` keeps milliseconds: it is rendered straight from the database."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def iso_date(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    return value.isoformat()


def midnight(value: date | None) -> str | None:
    """NPQ outcome completion dates are dates rendered as a time at midnight."""
    return None if value is None else f"{value.isoformat()}T00:00:00+00:00"


def cohort(value: int | None) -> str | None:
    return None if value is None else str(value)


def resource(id_: str, type_: str, attributes: dict[str, Any]) -> dict[str, Any]:
    return {"id": id_, "type": type_, "attributes": attributes}


def state(value: str) -> str:
    """Declaration states are stored with underscores and shown with hyphens."""
    return value.replace("_", "-")
