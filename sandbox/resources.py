"""Where the files the sandbox reads at run time live: inside the installed package.

Our OpenAPI documents (`sandbox/specs/`) and the real service's reference data (`sandbox/data/`)
ship in the wheel and are found through `importlib.resources`, so the sandbox works from any
working directory and any kind of install, never through paths relative to a source checkout.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import yaml

# libyaml (PyYAML's C loader, in its wheels) parses our spec documents ~5x faster than the pure-Python
# loader (0.12 s against 0.7 s of CPU for all six); a PyYAML built without it still works, only slower.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _package_dir(name: str) -> Path:
    # Connexion and the YAML loaders want real paths. A wheel installs as plain files, so
    # `as_file` hands back the directory itself and nothing is extracted or cleaned up.
    with as_file(files("sandbox") / name) as path:
        return Path(path)


def specs_dir() -> Path:
    """The directory of our OpenAPI documents (v1.yaml, v2.yaml, v3.yaml, sandbox.yaml)."""
    return _package_dir("specs")


def spec_path(name: str) -> Path:
    """One served document by its file stem, e.g. `spec_path("v3")`."""
    return specs_dir() / f"{name}.yaml"


def data_dir() -> Path:
    """The reference data: cohorts, courses, schedules and milestones, the statement calendar."""
    return _package_dir("data")


def parse_yaml(text: str) -> Any:
    """A YAML document as plain data, as `yaml.safe_load` gives it (tests/contract/test_spec_files.py)."""
    return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader (C or Python)
