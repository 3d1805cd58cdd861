"""Which methods our specs define for a concrete path, for honest `Allow` headers."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sandbox.spec_files import SpecFile

METHODS = ("get", "put", "post", "delete", "patch")


class SpecRoutes:
    def __init__(self, specs: Iterable[SpecFile]) -> None:
        self._routes: list[tuple[re.Pattern[str], list[str]]] = []
        for spec in specs:
            for path, item in spec.document["paths"].items():
                pattern = re.escape(spec.base_path + path)
                pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
                methods = sorted(m.upper() for m in item if m in METHODS)
                self._routes.append((re.compile(f"^{pattern}$"), methods))

    def allowed(self, path: str) -> list[str]:
        for pattern, methods in self._routes:
            if pattern.match(path):
                return methods
        return []
