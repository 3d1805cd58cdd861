"""Builds the served OpenAPI documents (v1.yaml, v2.yaml, v3.yaml, rect.yaml) from their sources in `src/`.

Each served document is the merge of a few source fragments (see `src/documents.yaml`), so that what two
versions share is written once. A `#/components/...` reference in any fragment names a component
of the document being built, which is how one path item can serve v1 and v2 with each version's
own schema behind the same name. The build refuses a name defined twice, a reference to nothing
and a component that nothing uses.

    python -m sandbox.specs.build           # rewrite the served documents
    python -m sandbox.specs.build --check   # exit 1 when a served document is out of date
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

SPECS = Path(__file__).resolve().parent
SOURCES = SPECS / "src"

# Served document -> its fragments, as data (src/documents.yaml), so that adding a document is
# adding a line there and its fragments.
DOCUMENTS: dict[str, tuple[str, ...]] = {
    name: tuple(fragments)
    for name, fragments in yaml.safe_load((SOURCES / "documents.yaml").read_text()).items()
}
HEAD = ("openapi", "info", "servers", "security", "tags")
KINDS = ("securitySchemes", "parameters", "requestBodies", "responses", "schemas")
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
# Answers any operation can give, written once rather than on each: every document defines them.
# 503: a reseed is building another world (sandbox/reseeding.py).
EVERY_OPERATION = {"503": {"$ref": "#/components/responses/Reseeding"}}
BANNER = "# Built by `python -m sandbox.specs.build` from sandbox/specs/src/{sources}; edit those.\n"


class SpecBuildError(ValueError):
    """The sources do not make one consistent document."""


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((SOURCES / name).read_text()) or {}


def assemble(document: str) -> dict[str, Any]:
    """The whole document, built from its fragments."""
    head: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    components: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    for source in DOCUMENTS[document]:
        fragment = load(source)
        unknown = set(fragment) - set(HEAD) - {"paths", "components"}
        if unknown:
            raise SpecBuildError(f"{source}: unexpected top-level keys {sorted(unknown)}")
        for key in HEAD:
            if key in fragment:
                if key in head:
                    raise SpecBuildError(f"{document}: `{key}` given twice ({source})")
                head[key] = fragment[key]
        for path, item in (fragment.get("paths") or {}).items():
            if path in paths:
                raise SpecBuildError(f"{document}: path {path} given twice ({source})")
            paths[path] = item
        for kind, named in (fragment.get("components") or {}).items():
            if kind not in components:
                raise SpecBuildError(f"{source}: unknown component kind {kind}")
            for name, value in named.items():
                if name in components[kind]:
                    raise SpecBuildError(f"{document}: {kind}/{name} defined twice ({source})")
                components[kind][name] = value
    for item in paths.values():
        for method in METHODS & set(item):
            for status, response in EVERY_OPERATION.items():
                item[method].setdefault("responses", {}).setdefault(status, response)
    doc = {key: head[key] for key in HEAD if key in head}
    doc["paths"] = paths
    doc["components"] = {kind: named for kind, named in components.items() if named}
    _check_references(document, doc)
    return doc


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _check_references(document: str, doc: dict[str, Any]) -> None:
    """Every reference lands on a component, and every component is reached from the paths."""
    defined = {f"#/components/{kind}/{name}" for kind, named in doc["components"].items() for name in named}
    used: set[str] = set()
    pending = list(_refs(doc["paths"]))
    while pending:
        ref = pending.pop()
        if ref in used:
            continue
        if ref not in defined:
            raise SpecBuildError(f"{document}: reference to nothing: {ref}")
        used.add(ref)
        _, _, kind, name = ref.split("/")
        pending.extend(_refs(doc["components"][kind][name]))
    used |= {f"#/components/securitySchemes/{name}" for entry in doc.get("security", []) for name in entry}
    if unused := sorted(defined - used):
        raise SpecBuildError(f"{document}: components nothing uses: {unused}")


class _Dumper(yaml.SafeDumper):
    """Block mappings, flow lists of plain values, multi-line text as literal blocks."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list(dumper: yaml.SafeDumper, value: list) -> yaml.SequenceNode:
    flow = all(isinstance(item, str | int | float | bool | type(None)) for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)


def render(document: str) -> str:
    """The served text of a document: a banner naming its sources, then the YAML."""
    body = yaml.dump(assemble(document), Dumper=_Dumper, sort_keys=False, width=110, allow_unicode=True)
    return BANNER.format(sources="{" + ",".join(DOCUMENTS[document]) + "}") + body


def stale() -> list[str]:
    """The served documents whose text differs from what their sources build."""
    return [name for name in DOCUMENTS if (SPECS / f"{name}.yaml").read_text() != render(name)]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--check"]:
        out_of_date = stale()
        for name in out_of_date:
            print(f"sandbox/specs/{name}.yaml is out of date: run python -m sandbox.specs.build")
        return 1 if out_of_date else 0
    if args:
        print(__doc__)
        return 2
    for name in DOCUMENTS:
        (SPECS / f"{name}.yaml").write_text(render(name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
