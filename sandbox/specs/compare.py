"""Compares two OpenAPI documents operation by operation, every `$ref` followed, and prints each
difference. Used to show that restructuring the sources changed nothing a provider sees.

    python -m sandbox.specs.compare OLD.yaml NEW.yaml [--ignore description,summary,example]

Exit status 1 when an operation differs (after dropping the ignored keys everywhere).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import yaml

METHODS = ("get", "put", "post", "patch", "delete")


def dereference(document: dict[str, Any], node: Any, ignored: frozenset[str] = frozenset()) -> Any:
    """`node` with every local `$ref` replaced by its target and every `ignored` key dropped."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return dereference(document, target, ignored)
        kept = {key: value for key, value in node.items() if key not in ignored}
        return {key: dereference(document, value, ignored) for key, value in kept.items()}
    if isinstance(node, list):
        return [dereference(document, value, ignored) for value in node]
    return node


def operations(document: dict[str, Any], ignored: frozenset[str] = frozenset()) -> dict[str, Any]:
    """`METHOD path` -> the operation, dereferenced, parameters keyed by location and name."""
    found = {}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = dereference(document, item[method], ignored)
            parameters = operation.pop("parameters", [])
            operation["parameters"] = {f"{p['in']}:{p['name']}": p for p in parameters}
            found[f"{method.upper()} {path}"] = operation
    return found


def differences(old: Any, new: Any, where: str = "") -> Iterator[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            here = f"{where}/{key}"
            if key not in new:
                yield f"{here}: removed"
            elif key not in old:
                yield f"{here}: added {new[key]!r}"[:300]
            else:
                yield from differences(old[key], new[key], here)
    elif old != new:
        yield f"{where}: {old!r} -> {new!r}"[:300]


def compare(old: dict[str, Any], new: dict[str, Any], ignored: frozenset[str]) -> list[str]:
    return list(differences(operations(old, ignored), operations(new, ignored)))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    ignored: frozenset[str] = frozenset()
    if "--ignore" in args:
        at = args.index("--ignore")
        ignored = frozenset(args[at + 1].split(","))
        args = args[:at] + args[at + 2 :]
    if len(args) != 2:
        print(__doc__)
        return 2
    old, new = (yaml.safe_load(open(name).read()) for name in args)
    found = compare(old, new, ignored)
    for line in found:
        print(line)
    print(f"{len(operations(old))} operations before, {len(operations(new))} after, {len(found)} differences")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
