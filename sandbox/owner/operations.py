"""The operations of a resolved document, keyed so that two documents line up, and the guess of which
removed operation reappears under a new path."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from sandbox.owner.schemas import flatten

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_TEMPLATE = re.compile(r"\{[^}/]+\}")
# Below these, a removed and an added operation are not called a rename.
RENAME_SCORE = 0.6
RENAME_FIELDS = 0.5


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]
    parameters: dict[tuple[str, str], dict[str, Any]]

    @property
    def key(self) -> tuple[str, str]:
        return self.method, _TEMPLATE.sub("{}", self.path)

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


def operations(document: dict[str, Any]) -> dict[tuple[str, str], Operation]:
    found: dict[tuple[str, str], Operation] = {}
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        shared = item.get("parameters") or []
        for method in METHODS:
            spec = item.get(method)
            if isinstance(spec, dict):
                operation = Operation(method.upper(), path, spec, _parameters(path, shared, spec))
                found[operation.key] = operation
    return found


def _parameters(path: str, shared: list[Any], spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Parameters by (location, name); path parameters by position, so `{id}` and `{participant_id}`
    in the same place are the same parameter."""
    order = [match.group(0)[1:-1] for match in _TEMPLATE.finditer(path)]
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for parameter in [*shared, *(spec.get("parameters") or [])]:
        if not isinstance(parameter, dict) or "name" not in parameter:
            continue
        where, name = parameter.get("in", "query"), str(parameter["name"])
        if where == "path" and name in order:
            name = f"#{order.index(name) + 1}"
        merged[(where, name)] = parameter
    return merged


def field_names(schema: Any, prefix: str = "", seen: int = 0) -> set[str]:
    """Every property path of a schema, to say how alike two responses are."""
    schema = flatten(schema)
    if seen > 8:
        return set()
    names: set[str] = set()
    for name, value in (schema.get("properties") or {}).items():
        names.add(prefix + name)
        names |= field_names(value, f"{prefix}{name}/", seen + 1)
    if isinstance(schema.get("items"), dict):
        names |= field_names(schema["items"], prefix, seen + 1)
    return names


def success_fields(operation: Operation) -> set[str]:
    for status, response in sorted((operation.spec.get("responses") or {}).items()):
        if str(status).startswith("2") and isinstance(response, dict):
            for media in (response.get("content") or {}).values():
                return field_names((media or {}).get("schema"))
    return set()


def _likeness(old: Operation, new: Operation) -> tuple[float, float]:
    path = SequenceMatcher(None, old.key[1], new.key[1]).ratio()
    left, right = success_fields(old), success_fields(new)
    fields = len(left & right) / len(left | right) if left | right else 1.0
    return 0.4 * path + 0.6 * fields, fields


def renames(removed: list[Operation], added: list[Operation]) -> dict[tuple[str, str], Operation]:
    """Removed operation key -> the added operation that most likely replaces it (same method, a
    similar path, mostly the same response fields), one to one, best pairs first."""
    scored = []
    for old in removed:
        for new in added:
            if old.method == new.method and old.key[1].count("{}") == new.key[1].count("{}"):
                score, fields = _likeness(old, new)
                if score >= RENAME_SCORE and fields >= RENAME_FIELDS:
                    scored.append((-score, old.label, new.label, old, new))
    pairs: dict[tuple[str, str], Operation] = {}
    taken: set[tuple[str, str]] = set()
    for _, _, _, old, new in sorted(scored, key=lambda row: row[:3]):
        if old.key not in pairs and new.key not in taken:
            pairs[old.key] = new
            taken.add(new.key)
    return pairs
