"""The OpenAPI documents an app serves, each read from disk and parsed once per `create_app()`.

Connexion's routing, the served `openapi.json`/`openapi.yaml` and the honest `Allow` headers all read
the same parsed document. Parsing uses libyaml (PyYAML's C loader) where PyYAML was built with it:
the pure-Python loader took ~0.7 s of CPU for our six documents, about a quarter of the start-up.
`tests/contract/test_spec_files.py` shows both loaders give the same document for every served file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# The C loader ships in PyYAML's wheels; a build without libyaml still works, only slower.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """A YAML document as plain data, as `yaml.safe_load` would give it."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader (C or Python)


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
