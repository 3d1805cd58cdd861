"""The go-live report: which items of DfE's testing checklist a provider's recorded requests show.

Each item is data: a pattern an exchange must match (`Step`), or two steps in order about the same
record (`Then`). An item is done only when the log holds exchanges that show it; the report lists
their ids as the evidence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from sandbox.requests_journal.log import Exchange


@dataclass(frozen=True)
class Step:
    method: str
    path: str  # a regular expression the path must end with
    status: int | Sequence[int]
    query: str | None = None  # a query parameter that must be present
    declaration_type: str | None = None  # the request body's declaration type
    empty_page: bool = False  # the response is a page with no items

    def shows(self, exchange: Exchange) -> bool:
        statuses = (self.status,) if isinstance(self.status, int) else tuple(self.status)
        return (
            exchange.method == self.method
            and exchange.status in statuses
            and re.search(self.path + "$", exchange.path) is not None
            and (self.query is None or self.query in parse_qs(exchange.query))
            and (
                self.declaration_type is None
                or _attribute(exchange, "declaration_type") == self.declaration_type
            )
            and (not self.empty_page or _empty_page(exchange))
        )


@dataclass(frozen=True)
class Then:
    """`first`, then later `second`, both about the same thing (`same` extracts it; None: anything)."""

    first: Step
    second: Step
    same: Callable[[Exchange], Any] | None = None


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    shown_by: Step | Then


def _body(exchange: Exchange) -> Any:
    try:
        return json.loads(exchange.request_body or b"null")
    except ValueError:
        return None


def _attribute(exchange: Exchange, name: str) -> Any:
    body = _body(exchange)
    attributes = ((body or {}).get("data") or {}).get("attributes") if isinstance(body, dict) else None
    return attributes.get(name) if isinstance(attributes, dict) else None


def _empty_page(exchange: Exchange) -> bool:
    try:
        body = json.loads(exchange.response_body)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("data") == []


def _participant(exchange: Exchange) -> Any:
    return _attribute(exchange, "participant_id")


def _record_id(exchange: Exchange) -> str:
    # /participants/ecf/{id}/withdraw and /participants/npq/{id}/resume alike: the segment before the action
    return exchange.path.rstrip("/").split("/")[-2]


DECLARATIONS = r"/participant-declarations"
LISTS = r"/(participants/(ecf|npq)|participant-declarations|npq-applications|partnerships/ecf|statements)"
ACTION = r"/participants(/(ecf|npq))?/[^/]+/"

CHECKLIST: tuple[Item, ...] = (
    Item(
        "full_sync",
        "A full sync paged to an empty page",
        Step("GET", LISTS, 200, "page[page]", empty_page=True),
    ),
    Item("updated_since_sync", "An `updated_since` sync", Step("GET", LISTS, 200, "filter[updated_since]")),
    Item(
        "started_declaration",
        "A `started` declaration accepted",
        Step("POST", DECLARATIONS, 200, declaration_type="started"),
    ),
    Item(
        "refused_then_corrected",
        "A declaration refused with 422 and then corrected",
        Then(Step("POST", DECLARATIONS, 422), Step("POST", DECLARATIONS, 200), same=_participant),
    ),
    Item("void", "A declaration voided", Step("PUT", DECLARATIONS + r"/[^/]+/void", 200)),
    Item(
        "withdraw_then_resume",
        "A participant withdrawn then resumed",
        Then(Step("PUT", ACTION + "withdraw", 200), Step("PUT", ACTION + "resume", 200), same=_record_id),
    ),
    Item(
        "throttled_then_retried",
        "A 429 handled with a retry after the window",
        Then(Step("GET", r"/.*", 429), Step("GET", r"/.*", range(200, 429))),
    ),
)


MAX_EVIDENCE = 20  # ids listed per item: enough to show it, short enough to read


def evidence(item: Item, exchanges: Sequence[Exchange]) -> list[int]:
    """The ids that show the item, oldest first; empty when the log does not show it."""
    rule = item.shown_by
    if isinstance(rule, Step):
        return [e.id for e in exchanges if rule.shows(e)][:MAX_EVIDENCE]
    for later in exchanges:
        if not rule.second.shows(later):
            continue
        for earlier in exchanges:
            if earlier.id >= later.id:
                break
            if rule.first.shows(earlier) and (rule.same is None or rule.same(earlier) == rule.same(later)):
                return [earlier.id, later.id]
    return []


def report(lead_provider_id: str, exchanges: Sequence[Exchange]) -> dict[str, Any]:
    """`exchanges`: the provider's, oldest first."""
    items = []
    for item in CHECKLIST:
        ids = evidence(item, exchanges)
        items.append({"id": item.id, "title": item.title, "done": bool(ids), "request_ids": ids})
    return {
        "lead_provider_id": lead_provider_id,
        "requests": len(exchanges),
        "done": sum(1 for i in items if i["done"]),
        "items": items,
    }
