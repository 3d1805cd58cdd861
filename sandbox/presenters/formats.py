"""How values look on the wire: the real service's timestamp and date formats, JSON:API objects."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import Any, NamedTuple

from sandbox.domain.world.entities import User


def timestamp(value: datetime | None) -> str | None:
    """RFC 3339 in UTC to the second, as every timestamp of the API is rendered."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # Every item shows several stamps: formatting the fields costs half of strftime. The year is always
    # four digits, as RFC 3339 wants (strftime leaves a year under 1000 unpadded).
    v = value
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}Z"


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


def pick(table: dict[str, Callable[..., Any]], fields: Iterable[str], *args: Any) -> dict[str, Any]:
    """The attributes a contract shows, in its order, each drawn by its entry in the presenter's table."""
    return {name: table[name](*args) for name in fields}


class Field(NamedTuple):
    """Where one attribute comes from: a dotted attribute path from the presented object (None: the
    attribute is always null), and what turns the value found there into its wire form."""

    path: str | None
    convert: Callable[[Any], Any] | None = None


def compile_fields(table: Mapping[str, Field], fields: Sequence[str]) -> Callable[[Any], dict[str, Any]]:
    """`fields` drawn from `table`, as one function built once per contract. Every path is read by a
    single `attrgetter` call (in C), so an item costs its converters and properties, not a Python
    call per field. The result keeps the contract's order: updating a copy of a dict that already
    holds every name in order does not move its keys."""
    template: dict[str, Any] = dict.fromkeys(fields)
    read = [name for name in fields if table[name].path is not None]
    converts = tuple((name, table[name].convert) for name in read if table[name].convert is not None)
    if not read:
        return lambda _obj: template.copy()
    getter = attrgetter(*(table[name].path for name in read))  # type: ignore[misc]
    if len(read) == 1:
        single = getter
        getter = lambda obj: (single(obj),)  # noqa: E731 -- attrgetter of one path returns no tuple

    def present(obj: Any) -> dict[str, Any]:
        shown = template.copy()
        shown.update(zip(read, getter(obj), strict=True))
        for name, convert in converts:
            shown[name] = convert(shown[name])
        return shown

    return present


def profile_state(value: Any) -> dict[str, Any] | None:
    """A withdrawal or deferral: its reason and when it was recorded."""
    return None if value is None else {"reason": value.reason, "date": timestamp(value.created_at)}


def participant_id_changes(user: User) -> list[dict[str, Any]]:
    return [
        {
            "from_participant_id": c.from_participant_id,
            "to_participant_id": c.to_participant_id,
            "changed_at": timestamp(c.changed_at),
        }
        for c in user.participant_id_changes
    ]
