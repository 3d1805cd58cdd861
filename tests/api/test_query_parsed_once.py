"""A request's query string is parsed once: request validation hands what it resolved to the handler's
arguments (`sandbox/operations.py`), which Connexion would otherwise parse again."""

from __future__ import annotations

from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.validation import BracketSafeURIParser
from tests.conftest import bearer, make_state


def test_a_list_request_resolves_its_query_once(monkeypatch) -> None:
    state = make_state(participants=5)
    client = TestClient(create_app(state=state))
    provider = next(p for p in state.store.lead_providers.values() if p.has_ecf)
    query = {"filter[cohort]": "2023,2024", "page[per_page]": "2"}
    first = client.get("/api/v3/participants/ecf", params=query, headers=bearer(provider))
    resolved: list[object] = []
    original = BracketSafeURIParser.resolve_query

    def counted(self: BracketSafeURIParser, query_data: object) -> object:
        resolved.append(query_data)
        return original(self, query_data)

    monkeypatch.setattr(BracketSafeURIParser, "resolve_query", counted)
    again = client.get(
        "/api/v3/participants/ecf", params={**query, "filter[n]": "1"}, headers=bearer(provider)
    )
    assert again.status_code == 200 and again.json() == first.json()  # the ignored filter changes nothing
    assert len(resolved) == 1
