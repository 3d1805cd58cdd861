"""Reading a write request's JSON:API-like body as the real service does: `data` must be there,
`type` is never checked, unknown attributes are ignored by the callers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox.contracts.manage_cpd import QUERIES
from sandbox.contracts.model import Queries
from sandbox.domain.errors import BadRequest

DATA_STRUCTURE_MESSAGE = QUERIES.structure_message


def attributes(body: Any, queries: Queries = QUERIES, reads: Iterable[str] = ()) -> dict[str, Any]:
    """The `data.attributes` object; a body without `data` is a 400. Missing attributes are empty,
    unless the contract requires at least one of those the operation `reads`."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise BadRequest(queries.structure_message)
    attrs = body["data"].get("attributes")
    attrs = attrs if isinstance(attrs, dict) else {}
    if queries.attributes_required and not any(key in attrs for key in reads):
        raise BadRequest(queries.structure_message)
    return attrs
