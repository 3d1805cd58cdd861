"""Turning `filter[...]`, `page[...]` and `sort` query values into typed values, with the real
service's 400 messages for anything it refuses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import unquote_plus

from sandbox.contracts.model import Listing, Queries
from sandbox.domain.errors import BadRequest, InvalidAction
from sandbox.domain.listing import MAX_PER_PAGE, Page, Since, SortKey
from sandbox.domain.values import blank  # filters are read with Rails' `present?`: a blank value is no filter

TRAINING_STATUSES = ("active", "deferred", "withdrawn")
UUID_LIST_MESSAGE = "The filter '#/{key}' must be a comma-delimited list of valid UUIDs"
TRAINING_STATUS_MESSAGE = "The filter '#/training_status' must be " + '["active", "deferred", "withdrawn"]'
# A training status no enrolment can have: the filter then matches nothing.
NO_TRAINING_STATUS = "none"

# Strict ISO 8601 date-time: a date alone is refused, as the real service refuses it.
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


def filters(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest("Filter must be a hash", title="Bad parameter")
    return value


def page(value: Any, queries: Queries) -> Page:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise BadRequest(queries.page_message)
    number = _positive(value.get("page", 1), queries)
    size = _positive(value.get("per_page", 100), queries)
    return Page(number=number, size=min(size, MAX_PER_PAGE))


def _positive(raw: Any, queries: Queries) -> int:
    try:
        number = int(str(raw).strip()) if not isinstance(raw, int) else raw
    except ValueError:
        number = 0  # the real service casts non-numbers to 0, which it then refuses
    if number < 1:
        raise BadRequest(queries.page_message)
    return number


def parse_datetime(text: str) -> datetime | None:
    """Strict ISO 8601 date-time; None when it is not one (or names an impossible time)."""
    match = _DATETIME.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
        )
    except ValueError:
        return None
    if zone in (None, "Z", "z"):
        return moment.replace(tzinfo=UTC)
    sign = 1 if zone[0] == "+" else -1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        return None
    try:
        return moment.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes))).astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+14:00 is before the first instant Python can hold
        return None


def parse_filter_datetime(text: str) -> datetime | None:
    """A date filter's value: as sent, or URL-encoded once more (`...T00%3A00%3A00%2B01%3A00`), which
    the real service decodes as a form component (so a bare `+` reads as a space)."""
    return parse_datetime(text) or parse_datetime(unquote_plus(text))


def since(flt: dict[str, Any], key: str, queries: Queries) -> datetime | None:
    """`filter[updated_since]` / `filter[created_since]`."""
    raw = flt.get(key)
    if blank(raw):
        return None
    moment = parse_filter_datetime(str(raw))
    if moment is None:
        raise BadRequest(queries.since_message.format(key=key))
    return moment


def text_list(flt: dict[str, Any], key: str) -> list[str] | None:
    """A comma list filter; blank entries are dropped."""
    raw = flt.get(key)
    if blank(raw):
        return None
    return [part.strip() for part in str(raw).split(",") if part.strip()]


def cohorts(flt: dict[str, Any], single: bool = False) -> list[int] | None:
    """Cohort years; years that are not numbers match nothing rather than fail, as upstream."""
    raw = flt.get("cohort")
    if blank(raw):
        return None  # every cohort, as when the filter is absent
    parts = [str(raw).strip()] if single else text_list(flt, "cohort") or []
    return [int(p) for p in parts if p.isdigit() and len(p) < 6]


def one(flt: dict[str, Any], key: str) -> str | None:
    raw = flt.get(key)
    return None if blank(raw) else str(raw)


def training_status(flt: dict[str, Any], queries: Queries) -> str | None:
    raw = flt.get("training_status")
    if blank(raw):
        return None
    if raw not in TRAINING_STATUSES:
        if queries.unknown_training_status == "match_nothing":
            return NO_TRAINING_STATUS
        if queries.unknown_training_status == "unpermitted":
            raise InvalidAction(TRAINING_STATUS_MESSAGE, title="Unpermitted parameters")
        raise BadRequest(TRAINING_STATUS_MESSAGE)
    return raw


def sort_keys(value: Any) -> list[SortKey]:
    """`sort=-updated_at,created_at`; unknown columns are dropped later by the resource."""
    if value is None:
        return []
    items: Iterable[Any] = value if isinstance(value, list) else str(value).split(",")
    keys = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if text[0] in "+-":
            keys.append(SortKey(text[1:], descending=text[0] == "-"))
        else:
            keys.append(SortKey(text))
    return keys


def _since_compared(strict: bool) -> Any:
    def read(flt: dict[str, Any], key: str, queries: Queries) -> Since | None:
        moment = since(flt, key, queries)
        return Since(moment, strict) if moment else None

    return read


def _text_single(flt: dict[str, Any], key: str, _queries: Queries) -> list[str] | None:
    return None if text_list(flt, key) is None else [str(flt[key]).strip()]


_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _uuid_list(flt: dict[str, Any], key: str, _queries: Queries) -> list[str] | None:
    """Ids that are not UUID-shaped are dropped; with none left the list matches nothing."""
    items = text_list(flt, key)
    return None if items is None else [i for i in items if _UUID.match(i)]


def _uuid_list_strict(flt: dict[str, Any], key: str, _queries: Queries) -> list[str] | None:
    """Every id must be UUID-shaped, or the whole filter is refused."""
    items = text_list(flt, key)
    if items is not None and not all(_UUID.match(i) for i in items):
        raise BadRequest(UUID_LIST_MESSAGE.format(key=key))
    return items


_READERS: dict[str, Any] = {
    "cohort_list": lambda flt, _key, _q: cohorts(flt),
    "cohort_single": lambda flt, _key, _q: cohorts(flt, single=True),
    "since": since,
    "since_strict": _since_compared(True),
    "since_inclusive": _since_compared(False),
    "text_list": lambda flt, key, _q: text_list(flt, key),
    "uuid_list": _uuid_list,
    "uuid_list_strict": _uuid_list_strict,
    "text_single": _text_single,
    "one": lambda flt, key, _q: one(flt, key),
    "training_status": lambda flt, _key, q: training_status(flt, q),
}


def read_filters(listing: Listing, raw: Any, queries: Queries) -> dict[str, Any]:
    """The domain filter's fields from `filter[...]`, as the contract's list reads them; filters it
    does not read are ignored, as the real service ignores them."""
    flt = filters(raw)
    return {f.field: _READERS[f.kind](flt, f.key, queries) for f in listing.filters}


def list_sort(listing: Listing, value: Any) -> list[SortKey]:
    """The order a list is asked for, or the contract's default."""
    keys = sort_keys(value) if listing.reads_sort else []
    return keys or list(listing.default_sort)
