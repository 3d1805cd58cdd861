"""Local `$ref` resolution: every `{"$ref": "#/..."}` becomes the object it names, so the diff compares
what a client sees rather than how the document is factored. A reference back into itself becomes a
marker naming the reference (compared by name), so recursive schemas terminate."""

from __future__ import annotations

from typing import Any

RECURSIVE = "x-recursive-ref"
UNRESOLVED = "x-unresolved-ref"


def pointer(root: Any, ref: str) -> Any:
    node = root
    for raw in ref[2:].split("/") if ref != "#" else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(ref)
    return node


def resolve(root: dict[str, Any], lenient: list[str] | None = None) -> dict[str, Any]:
    """A copy of `root` with local references replaced; unresolvable ones are listed in `lenient`."""
    done: dict[str, Any] = {}
    missing: set[str] = set()

    def visit(node: Any, stack: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [visit(item, stack) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            siblings = {k: visit(v, stack) for k, v in node.items() if k != "$ref"}
            target = follow(ref, stack)
            return {**target, **siblings} if siblings and isinstance(target, dict) else target
        return {key: visit(value, stack) for key, value in node.items()}

    def follow(ref: str, stack: tuple[str, ...]) -> Any:
        if ref in stack:
            return {RECURSIVE: ref}
        if ref in done:
            return done[ref]
        if not ref.startswith("#"):
            missing.add(ref)
            return {UNRESOLVED: ref}
        try:
            target = pointer(root, ref)
        except KeyError:
            missing.add(ref)
            return {UNRESOLVED: ref}
        done[ref] = result = visit(target, (*stack, ref))
        return result

    resolved = visit(root, ())
    if lenient is not None:
        for ref in sorted(missing):
            lenient.append(
                f"`$ref` {ref} cannot be resolved (only references inside the document are), compared by name"
            )
    return resolved
