"""Comparing two (resolved) schemas from the side of whoever reads them.

A request schema is read by the server: anything it newly refuses breaks clients. A response schema is
read by the client: anything it may newly receive, or no longer receives, breaks clients. The same walk
serves bodies, properties and query parameters; only the check-id prefixes differ."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.owner.checks import checks
from sandbox.owner.refs import RECURSIVE, UNRESOLVED

Emit = Callable[[str, str, str], None]


@dataclass(frozen=True)
class Names:
    """Check-id prefixes for the schema at the top (`body`) and for the values inside it (`inner`)."""

    direction: str  # "request" or "response"
    body: str
    inner: str

    def id(self, top: bool, suffix: str) -> str:
        """The most specific oasdiff id for this change (oasdiff lacks some, e.g. a deepObject key
        that became an enum is reported as the parameter's)."""
        order = (self.body, self.inner) if top else (self.inner, self.body)
        return next((f"{p}-{suffix}" for p in order if f"{p}-{suffix}" in checks()), f"{order[0]}-{suffix}")


REQUEST_BODY = Names("request", "request-body", "request-property")
RESPONSE_BODY = Names("response", "response-body", "response-property")
PARAMETER = Names("request", "request-parameter", "request-parameter-property")


def flatten(schema: Any) -> dict[str, Any]:
    """`allOf` folded into one schema (properties and `required` merged), which is how clients read it."""
    if not isinstance(schema, dict):
        return {}
    if "allOf" not in schema:
        return schema
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    properties = dict(merged.get("properties", {}))
    required = list(merged.get("required", []))
    for part in schema["allOf"]:
        part = flatten(part)
        properties.update(part.get("properties", {}))
        required += [name for name in part.get("required", []) if name not in required]
        for key, value in part.items():
            if key not in ("properties", "required"):
                merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _where(location: str, name: str, names: Names) -> str:
    if names is PARAMETER:
        return f"{location}[{name}]"  # deepObject keys as a client writes them: filter[cohort]
    return f"{location}/{name}" if location else name


def _shown(location: str) -> str:
    return location or "the body"


def compare(old: Any, new: Any, names: Names, emit: Emit, location: str = "", top: bool = True) -> None:
    """Emit every change from `old` to `new`; `location` names the value (empty for a body)."""
    old, new = flatten(old), flatten(new)
    for marker in (RECURSIVE, UNRESOLVED):
        if marker in old or marker in new:
            return
    if _types(old, new, names, emit, location, top):
        return  # a different type: what lies below it is not comparable
    _nullable(old, new, names, emit, location, top)
    _enum(old, new, names, emit, location, top)
    _properties(old, new, names, emit, location)
    if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
        compare(old["items"], new["items"], names, emit, f"{location}[]", top=False)
    for keyword in ("oneOf", "anyOf"):
        if len(old.get(keyword, [])) == len(new.get(keyword, [])):
            for left, right in zip(old.get(keyword, []), new.get(keyword, []), strict=True):
                compare(left, right, names, emit, location, top)


def _types(old: dict, new: dict, names: Names, emit: Emit, location: str, top: bool) -> bool:
    def shape(schema: dict) -> str:
        return "/".join(str(part) for part in (schema.get("type"), schema.get("format")) if part)

    changed = "type" in old and "type" in new and old["type"] != new["type"]
    old_format, new_format = old.get("format"), new.get("format")
    if old_format != new_format and not changed:
        # A format is a promise the reader relies on: adding one narrows what a server accepts,
        # dropping one widens what a client may receive. The opposite moves break nobody.
        narrows = new_format if names.direction == "request" else old_format
        changed = narrows is not None
    if changed:
        emit(
            names.id(top, "type-changed"),
            location,
            f"type of {_shown(location)} changed from {shape(old) or 'any'} to {shape(new) or 'any'}",
        )
    return changed and old.get("type") != new.get("type")


def accepts_null(schema: dict) -> bool:
    """`nullable` on the schema, or on any branch of its `oneOf`/`anyOf` (null then matches that branch)."""
    if schema.get("nullable"):
        return True
    branches = [*schema.get("oneOf", []), *schema.get("anyOf", [])]
    return any(accepts_null(flatten(branch)) for branch in branches)


def _nullable(old: dict, new: dict, names: Names, emit: Emit, location: str, top: bool) -> None:
    was, now = accepts_null(old), accepts_null(new)
    if was != now:
        suffix = "became-nullable" if now else "became-not-nullable"
        emit(names.id(top, suffix), location, f"{_shown(location)} {suffix.replace('-', ' ')}")


def _enum(old: dict, new: dict, names: Names, emit: Emit, location: str, top: bool) -> None:
    before, after = old.get("enum"), new.get("enum")
    if after is None:
        return
    if before is None:
        if names.direction == "request":
            emit(
                names.id(top, "became-enum"),
                location,
                f"{_shown(location)} now only accepts {_values(after)}",
            )
        return
    for value in [v for v in before if v not in after]:
        emit(
            names.id(top, "enum-value-removed"), location, f"value {value!r} removed from {_shown(location)}"
        )
    for value in [v for v in after if v not in before]:
        emit(names.id(top, "enum-value-added"), location, f"value {value!r} added to {_shown(location)}")


def _values(values: list[Any]) -> str:
    return ", ".join(repr(v) for v in values)


def _properties(old: dict, new: dict, names: Names, emit: Emit, location: str) -> None:
    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    old_required, new_required = set(old.get("required") or []), set(new.get("required") or [])
    response = names.direction == "response"
    for name in old_props:
        where = _where(location, name, names)
        if name not in new_props:
            if names is PARAMETER:
                emit("request-parameter-removed", where, f"parameter {where} removed")
            elif response:
                kind = "required" if name in old_required else "optional"
                emit(f"response-{kind}-property-removed", where, f"{kind} property {where} removed")
            else:
                emit("request-property-removed", where, f"property {where} removed")
            continue
        was, now = name in old_required, name in new_required
        if was != now:
            if names is PARAMETER:
                check = "request-parameter-became-required" if now else "request-parameter-became-optional"
            else:
                check = f"{names.direction}-property-became-{'required' if now else 'optional'}"
            emit(check, where, f"{where} became {'required' if now else 'optional'}")
        compare(old_props[name], new_props[name], names, emit, where, top=False)
    for name in new_props:
        if name in old_props:
            continue
        where = _where(location, name, names)
        required = name in new_required
        if names is PARAMETER:
            check = "new-required-request-parameter" if required else "new-optional-request-parameter"
        elif response:
            check = f"response-{'required' if required else 'optional'}-property-added"
        else:
            check = f"new-{'required' if required else 'optional'}-request-property"
        emit(check, where, f"{'required' if required else 'optional'} {where} added")
