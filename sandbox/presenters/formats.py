"""How values look on the wire: the real service's timestamp and date formats, JSON:API objects."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sandbox.domain.world.entities import User

# Each stamp's wire form, by value: a page shows about three stamps per item, mostly the same few
# thousand across requests, and a dict lookup (a datetime keeps its hash) costs a fifth of formatting.
# Emptied when full, so it stays small whatever the world's size.
_STAMPS: dict[datetime, str] = {}
_STAMPS_KEPT = 1 << 16


def timestamp(value: datetime | None) -> str | None:
    """RFC 3339 in UTC to the second, as every timestamp of the API is rendered."""
    if value is None:
        return None
    shown = _STAMPS.get(value)
    if shown is None:
        if len(_STAMPS) >= _STAMPS_KEPT:
            _STAMPS.clear()
        shown = _STAMPS[value] = _rfc3339(value)
    return shown


def _rfc3339(value: datetime) -> str:
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # Formatting the fields costs half of strftime. The year is always four digits, as RFC 3339 wants
    # (strftime leaves a year under 1000 unpadded).
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


class Field(NamedTuple):
    """Where one attribute comes from: a dotted attribute path from the presented object (None: the
    attribute is always null), and what turns the value found there into its wire form."""

    path: str | None
    convert: Callable[[Any], Any] | None = None


def compile_fields(table: Mapping[str, Field], fields: Sequence[str]) -> Callable[[Any], dict[str, Any]]:
    """`fields` drawn from `table`, as one function built once per contract: the source of a single
    dict display (`{"email": obj.email, "cohort": convert_4(obj.record.cohort), ...}`), compiled. An
    item then costs its attribute reads, properties and converters, with no Python call or loop per
    field; the keys come in the contract's order. Only the table's names and dotted attribute paths
    reach the source (both checked), the converters by reference."""
    scope: dict[str, Any] = {}
    entries = []
    for number, name in enumerate(fields):
        path, convert = table[name]
        if path is None:
            entries.append(f"{name!r}: None")
            continue
        if not all(part.isidentifier() for part in path.split(".")):
            raise ValueError(f"{name}: {path!r} is not a dotted attribute path")
        read = f"obj.{path}"
        if convert is not None:
            scope[f"convert_{number}"] = convert
            read = f"convert_{number}({read})"
        entries.append(f"{name!r}: {read}")
    source = "def present(obj):\n    return {" + ", ".join(entries) + "}\n"
    exec(compile(source, f"<fields {', '.join(fields)[:60]}>", "exec"), scope)  # noqa: S102
    present: Callable[[Any], dict[str, Any]] = scope["present"]
    return present


def per_shape(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`build(shape)` once per contract shape (any long-lived object), found by identity: hashing a
    frozen shape on every item would cost more than the presenting it saves."""
    built: dict[int, tuple[Any, Any]] = {}

    def cached(shape: Any) -> Any:
        found = built.get(id(shape))
        if found is None or found[0] is not shape:
            found = built[id(shape)] = (shape, build(shape))
        return found[1]

    return cached


# (id of table, id of field list) -> (table, field list, presenter): kept while both live on.
_COMPILED: dict[
    tuple[int, int], tuple[Mapping[str, Field], Sequence[str], Callable[[Any], dict[str, Any]]]
] = {}
_COMPILED_KEPT = 256


def compiled(table: Mapping[str, Field], fields: Sequence[str]) -> Callable[[Any], dict[str, Any]]:
    """`compile_fields(table, fields)`, made once for each table and field list (a contract's, found by
    identity, so a page pays no hashing of the list)."""
    key = (id(table), id(fields))
    found = _COMPILED.get(key)
    if found is None or found[0] is not table or found[1] is not fields:
        if len(_COMPILED) >= _COMPILED_KEPT:
            _COMPILED.clear()
        found = _COMPILED[key] = (table, fields, compile_fields(table, fields))
    return found[2]


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
