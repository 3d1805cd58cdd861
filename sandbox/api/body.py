"""Reading a write request's JSON:API-like body as the real service does: `data` must be there,
`type` is never checked, unknown attributes are ignored by the callers."""

from __future__ import annotations

from typing import Any

from sandbox.domain.errors import BadRequest

DATA_STRUCTURE_MESSAGE = "correct json data structure required. See API docs for reference"


def attributes(body: Any) -> dict[str, Any]:
    """The `data.attributes` object; a body without `data` is a 400, missing attributes are empty."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise BadRequest(DATA_STRUCTURE_MESSAGE)
    attrs = body["data"].get("attributes")
    return attrs if isinstance(attrs, dict) else {}
