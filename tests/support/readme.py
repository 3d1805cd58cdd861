"""Code blocks of README.md, so the tests run the examples the README shows."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
_NAMED_BLOCK = re.compile(r"^```python\n(# (test_\w+\.py)\b.*?)^```", re.MULTILINE | re.DOTALL)


def named_python_block(file_name: str) -> str:
    """The README's Python block whose first line is the comment `# <file_name>...`."""
    for match in _NAMED_BLOCK.finditer(README.read_text()):
        if match.group(2) == file_name:
            return match.group(1)
    raise AssertionError(f"README.md has no python block starting with `# {file_name}`")
