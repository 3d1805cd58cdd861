"""Which methods our specs define for a concrete path, for honest `Allow` headers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

METHODS = ("get", "put", "post", "delete", "patch")


class SpecRoutes:
    def __init__(self, documents: Iterable[tuple[str, Path]]) -> None:
        self._routes: list[tuple[re.Pattern[str], list[str]]] = []
        for base_path, spec_file in documents:
            document = yaml.safe_load(spec_file.read_text())
            for path, item in document["paths"].items():
                pattern = re.escape(base_path + path)
                pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
                methods = sorted(m.upper() for m in item if m in METHODS)
                self._routes.append((re.compile(f"^{pattern}$"), methods))

    def allowed(self, path: str) -> list[str]:
        for pattern, methods in self._routes:
            if pattern.match(path):
                return methods
        return []
