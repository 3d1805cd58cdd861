"""Reading an OpenAPI document from a file or URL, forgiving the mistakes real documents make and
saying which ones were forgiven (a diff of a repaired document is only honest if the repair is shown)."""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TYPES = {"string", "number", "integer", "boolean", "array", "object", "null"}


class LoadError(Exception):
    """The source is missing, unreadable, or not an OpenAPI 3 document."""


@dataclass
class Document:
    source: str
    data: dict[str, Any]
    lenient: list[str] = field(default_factory=list)

    @property
    def version(self) -> str:
        return str(self.data.get("openapi", ""))


def read_source(source: str) -> bytes:
    if source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310 - a URL the user gave
                return response.read()
        except OSError as error:
            raise LoadError(f"cannot fetch {source}: {error}") from None
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise LoadError(f"cannot read {source}: {error.strerror}") from None


def parse(text: bytes, source: str) -> Any:
    stripped = text.lstrip()
    try:
        if stripped[:1] in (b"{", b"["):
            return json.loads(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except (ValueError, yaml.YAMLError) as error:
        raise LoadError(f"{source} is neither JSON nor YAML: {str(error).splitlines()[0]}") from None


def load_document(source: str) -> Document:
    data = parse(read_source(source), source)
    if not isinstance(data, dict) or not str(data.get("openapi", "")).startswith("3."):
        found = data.get("swagger") if isinstance(data, dict) else None
        what = f"Swagger {found}" if found else "not an OpenAPI 3 document"
        raise LoadError(f"{source}: {what} (only OpenAPI 3.0 and 3.1 are compared)")
    if not isinstance(data.get("paths", {}), dict):
        raise LoadError(f"{source}: `paths` is not a mapping")
    return Document(source, data, repair(data))


def repair(data: dict[str, Any]) -> list[str]:
    """Fix, in place, what a lenient reader can safely fix; return one line per kind of repair."""
    found: Counter[str] = Counter()
    first: dict[str, str] = {}

    def note(kind: str, where: str) -> None:
        found[kind] += 1
        first.setdefault(kind, where)

    def walk(node: Any, where: str) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{where}/{index}")
            return
        if not isinstance(node, dict):
            return
        _repair_schema(node, where, note)
        for key, value in node.items():
            if key not in _DATA_KEYS:
                walk(value, f"{where}/{key}")

    walk(data, "#")
    return [f"{_KINDS[kind]} ({found[kind]}x, first at {first[kind]})" for kind in sorted(found)]


# Values and security schemes, not schemas: never repaired.
_DATA_KEYS = {"example", "examples", "enum", "default", "const", "x-examples", "securitySchemes"}

_KINDS = {
    "boolean-required": "boolean `required` inside a property, moved to the object's `required` list",
    "type-case": "`type` written in the wrong case (e.g. `String`), read in lower case",
    "unknown-type": "`type` that JSON Schema does not define, ignored",
}


def _repair_schema(node: dict[str, Any], where: str, note: Any) -> None:
    kind = node.get("type")
    if isinstance(kind, str) and kind not in _TYPES:
        if kind.lower() in _TYPES:
            node["type"] = kind.lower()
            note("type-case", where)
        else:
            del node["type"]
            note("unknown-type", where)
    elif isinstance(kind, list):
        types = [t for t in kind if t != "null"]
        if "null" in kind:  # OpenAPI 3.1's spelling of nullable: valid, so not noted
            node["nullable"] = True
        node["type"] = types[0] if len(types) == 1 else types
    properties = node.get("properties")
    if not isinstance(properties, dict):
        return
    required = node.get("required") if isinstance(node.get("required"), list) else []
    for name, schema in properties.items():
        if isinstance(schema, dict) and isinstance(schema.get("required"), bool):
            if schema.pop("required") and name not in required:
                required.append(name)
            note("boolean-required", f"{where}/properties/{name}")
    if required or "required" in node:
        node["required"] = required
