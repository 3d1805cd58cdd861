"""The OpenAPI documents an app serves, each read from disk and parsed once per `create_app()`.

Connexion's routing, the served `openapi.json`/`openapi.yaml` and the honest `Allow` headers all read
the same parsed document (each file was parsed three times, by the pure-Python YAML loader: ~2 s of
CPU, most of the start-up). `tests/contract/test_spec_files.py` shows the parse is PyYAML's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.resources import parse_yaml


@dataclass(frozen=True)
class SpecFile:
    """One served document: the API root it is mounted at, its file, its text and its parsed form.

    `document` is shared by every reader; none changes it (copy first to derive another document).
    """

    base_path: str
    path: Path
    text: str
    document: dict[str, Any]


def read_spec(base_path: str, path: Path) -> SpecFile:
    text = path.read_text()
    return SpecFile(base_path, path, text, parse_yaml(text))
