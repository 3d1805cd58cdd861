"""The diff engine: two loaded documents in, every change a client could notice out, each under an
oasdiff check id with its level."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.owner.checks import Change, change, rank
from sandbox.owner.load import Document
from sandbox.owner.operations import Operation, operations, renames
from sandbox.owner.refs import resolve
from sandbox.owner.schemas import PARAMETER, REQUEST_BODY, RESPONSE_BODY, Names, compare


@dataclass
class Diff:
    old: Document
    new: Document
    changes: list[Change] = field(default_factory=list)

    def at_least(self, level: str) -> list[Change]:
        return [c for c in self.changes if rank(c.level) >= rank(level)]


class _Collector:
    def __init__(self) -> None:
        self.changes: list[Change] = []
        self._seen: set[Change] = set()

    def add(self, check_id: str, operation: str, location: str, text: str) -> None:
        item = change(check_id, operation, location, text)
        if item not in self._seen:  # one schema served under two media types is one change
            self._seen.add(item)
            self.changes.append(item)


def diff(old: Document, new: Document) -> Diff:
    left = resolve(old.data, old.lenient)
    right = resolve(new.data, new.lenient)
    out = _Collector()
    before, after = operations(left), operations(right)
    removed = [op for key, op in before.items() if key not in after]
    added = [op for key, op in after.items() if key not in before]
    moved = renames(removed, added)
    replaced = {op.key: old_key for old_key, op in moved.items()}
    paths_after = {key[1] for key in after}
    for op in removed:
        _removed(op, moved.get(op.key), op.key[1] in paths_after, out)
    for op in added:
        hint = f" (likely the new path of {before[replaced[op.key]].label})" if op.key in replaced else ""
        out.add("endpoint-added", op.label, "paths", f"{op.label} added{hint}")
    pairs = [(before[key], after[key]) for key in before if key in after]
    pairs += [(before[key], op) for key, op in moved.items()]
    for old_op, new_op in pairs:
        label = old_op.label if old_op.path == new_op.path else f"{old_op.label} -> {new_op.path}"
        _operation(old_op, new_op, label, left, right, out)
    _security_schemes(left, right, out)
    return Diff(old, new, sorted(out.changes, key=lambda c: (-rank(c.level), c.operation, c.id, c.location)))


def _removed(op: Operation, successor: Operation | None, path_remains: bool, out: _Collector) -> None:
    deprecated = bool(op.spec.get("deprecated"))
    scope = "api" if path_remains else "api-path"
    check = f"{scope}-removed-{'with' if deprecated else 'without'}-deprecation"
    hint = f"; likely renamed to {successor.label}" if successor else ""
    what = "removed" if deprecated else "removed without deprecation"
    out.add(check, op.label, "paths", f"{op.label} {what}{hint}")


def _operation(old: Operation, new: Operation, label: str, left: dict, right: dict, out: _Collector) -> None:
    _parameters(old, new, label, out)
    _request_body(old.spec.get("requestBody"), new.spec.get("requestBody"), label, out)
    _responses(old.spec.get("responses") or {}, new.spec.get("responses") or {}, label, out)
    if "security" in old.spec or "security" in new.spec:  # otherwise the global change says it once
        _security(
            old.spec.get("security", left.get("security")),
            new.spec.get("security", right.get("security")),
            label,
            out,
        )


def _parameters(old: Operation, new: Operation, label: str, out: _Collector) -> None:
    for key, parameter in old.parameters.items():
        name = _parameter_name(key, parameter)
        if key not in new.parameters:
            out.add(
                "request-parameter-removed", label, f"{key[0]} parameter {name}", f"parameter {name} removed"
            )
            continue
        after = new.parameters[key]
        was, now = bool(parameter.get("required")), bool(after.get("required"))
        if was != now:
            check = f"request-parameter-became-{'required' if now else 'optional'}"
            out.add(
                check,
                label,
                f"{key[0]} parameter {name}",
                f"parameter {name} became {'required' if now else 'optional'}",
            )

        def emit(check: str, location: str, text: str, where: str = key[0]) -> None:
            out.add(check, label, f"{where} parameter {location}", text)

        compare(parameter.get("schema"), after.get("schema"), PARAMETER, emit, name)
    for key, parameter in new.parameters.items():
        if key not in old.parameters:
            name = _parameter_name(key, parameter)
            required = bool(parameter.get("required"))
            check = "new-required-request-parameter" if required else "new-optional-request-parameter"
            out.add(
                check,
                label,
                f"{key[0]} parameter {name}",
                f"{'required' if required else 'optional'} parameter {name} added",
            )


def _parameter_name(key: tuple[str, str], parameter: dict[str, Any]) -> str:
    return str(parameter.get("name", key[1]))


def _request_body(old: Any, new: Any, label: str, out: _Collector) -> None:
    if not isinstance(old, dict) and not isinstance(new, dict):
        return
    if not isinstance(new, dict):
        out.add("request-body-removed", label, "request body", "request body removed")
        return
    if not isinstance(old, dict):
        kind = "required" if new.get("required") else "optional"
        out.add(f"request-body-added-{kind}", label, "request body", f"{kind} request body added")
        return
    was, now = bool(old.get("required")), bool(new.get("required"))
    if was != now:
        kind = "required" if now else "optional"
        out.add(f"request-body-became-{kind}", label, "request body", f"request body became {kind}")
    _content(old.get("content") or {}, new.get("content") or {}, "request body", REQUEST_BODY, label, out)


def _content(old: dict, new: dict, where: str, names: Names, label: str, out: _Collector) -> None:
    side = "request-body" if names is REQUEST_BODY else "response"
    for media in old:
        if media not in new:
            out.add(f"{side}-media-type-removed", label, where, f"media type {media} removed from {where}")
    for media in new:
        if media not in old:
            out.add(f"{side}-media-type-added", label, where, f"media type {media} added to {where}")
            continue

        def emit(check: str, location: str, text: str) -> None:
            out.add(check, label, f"{where}: {location}" if location else where, f"{where}: {text}")

        compare((old[media] or {}).get("schema"), (new[media] or {}).get("schema"), names, emit)


def _success(status: str) -> bool:
    return str(status).upper().startswith("2")


def _responses(old: dict, new: dict, label: str, out: _Collector) -> None:
    for status, response in old.items():
        kind = "success" if _success(status) else "non-success"
        if status not in new:
            out.add(
                f"response-{kind}-status-removed", label, f"response {status}", f"status {status} removed"
            )
            continue
        before = (response or {}).get("content") or {}
        after = (new[status] or {}).get("content") or {}
        _content(before, after, f"response {status}", RESPONSE_BODY, label, out)
    for status in new:
        if status not in old:
            kind = "success" if _success(status) else "non-success"
            out.add(f"response-{kind}-status-added", label, f"response {status}", f"status {status} added")


def _scheme_names(requirements: Any) -> set[str]:
    return {
        name for requirement in requirements or [] if isinstance(requirement, dict) for name in requirement
    }


def _security(old: Any, new: Any, label: str, out: _Collector) -> None:
    before, after = _scheme_names(old), _scheme_names(new)
    for name in sorted(before - after):
        out.add("api-security-removed", label, "security", f"security scheme {name} no longer accepted")
    for name in sorted(after - before):
        out.add("api-security-added", label, "security", f"security scheme {name} now accepted")


def _security_schemes(left: dict, right: dict, out: _Collector) -> None:
    old = (left.get("components") or {}).get("securitySchemes") or {}
    new = (right.get("components") or {}).get("securitySchemes") or {}
    for name in sorted(set(old) - set(new)):
        out.add(
            "api-security-component-removed",
            "(whole API)",
            "components/securitySchemes",
            f"security scheme {name} removed",
        )
    for name in sorted(set(new) - set(old)):
        out.add(
            "api-security-component-added",
            "(whole API)",
            "components/securitySchemes",
            f"security scheme {name} added",
        )
    for name in sorted(set(old) & set(new)):
        before, after = old[name] or {}, new[name] or {}
        shape = [before.get(k) for k in ("type", "scheme", "in", "name")]
        if shape != [after.get(k) for k in ("type", "scheme", "in", "name")]:
            out.add(
                "api-security-component-type-changed",
                "(whole API)",
                f"components/securitySchemes/{name}",
                f"security scheme {name} changed from {_scheme(before)} to {_scheme(after)}",
            )
    before, after = _scheme_names(left.get("security")), _scheme_names(right.get("security"))
    for name in sorted(before - after):
        out.add("api-global-security-removed", "(whole API)", "security", f"global security {name} removed")
    for name in sorted(after - before):
        out.add("api-global-security-added", "(whole API)", "security", f"global security {name} added")


def _scheme(scheme: dict) -> str:
    parts = [scheme.get("type"), scheme.get("scheme"), scheme.get("in"), scheme.get("name")]
    return " ".join(str(part) for part in parts if part) or "nothing"
