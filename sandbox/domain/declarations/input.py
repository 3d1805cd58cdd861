"""What a declaration POST carries, read as upstream reads it (domain.md §1.2, §1.3, §4.4).

Only the six permitted attributes count; a value that is an object or a list arrives as missing, as Rails'
strong parameters drop it. `declaration_date` must be RFC 3339 with a time and name a real instant.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

# domain.md §1.3: RFC 3339 with optional fraction and zone; a date alone is refused.
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([.,]\d+)?(Z|[+-]\d{2}(:?\d{2})?)?", re.IGNORECASE | re.ASCII
)
_PARTS = re.compile(r"(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)(?:[.,](\d+))?(.*)", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class DeclarationRequest:
    """The attributes a POST may carry; anything else in the body is ignored, as upstream."""

    participant_id: str | None = None
    declaration_type: str | None = None
    declaration_date: str | None = None
    course_identifier: str | None = None
    evidence_held: str | None = None
    has_passed: bool | str | None = None
    delivery_partner_id: str | None = None  # the NPQ service's only
    secondary_delivery_partner_id: str | None = None

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, Any]) -> DeclarationRequest:
        passed = attributes.get("has_passed")
        return cls(
            participant_id=_text(attributes.get("participant_id")),
            declaration_type=_text(attributes.get("declaration_type")),
            declaration_date=_text(attributes.get("declaration_date")),
            course_identifier=_text(attributes.get("course_identifier")),
            evidence_held=_text(attributes.get("evidence_held")),
            has_passed=passed if isinstance(passed, bool) else _text(passed),
            delivery_partner_id=_text(attributes.get("delivery_partner_id")),
            secondary_delivery_partner_id=_text(attributes.get("secondary_delivery_partner_id")),
        )


def _text(value: Any) -> str | None:
    # Upstream permits scalars only: an object or list arrives as if it were missing.
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_declaration_date(raw: str | None, zone: tzinfo = UTC) -> datetime | None:
    """The instant named by an RFC 3339 `declaration_date` (UTC), or None when it is not a real one.
    A time without an offset is read in `zone`, the service's own time zone."""
    if raw is None or not _RFC3339.fullmatch(raw):
        return None
    match = _PARTS.fullmatch(raw)
    assert match is not None  # the shape was checked above
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            int((fraction or "0")[:6].ljust(6, "0")),
        )  # fmt: skip
        return moment.replace(tzinfo=_offset(offset) if offset else zone).astimezone(UTC)
    except (ValueError, OverflowError):  # no such day or hour, or beyond the calendar in UTC
        return None


def _offset(zone: str) -> timezone:
    if zone in ("", "Z", "z"):
        return UTC
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("no such offset")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(delta if zone[0] == "+" else -delta)


def parse_has_passed(value: bool | str | None) -> bool | None:
    """`true`/`false` as JSON booleans or strings; anything else is None."""
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(value) if isinstance(value, str) else None
