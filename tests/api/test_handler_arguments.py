"""Operations that define no request body build their handler's arguments themselves
(`sandbox/operations.py`, `_PathAndQuery`), from the spec's parameters read once: every request here
must give the handler exactly what Connexion's own `prep_kwargs` would have given it."""

from __future__ import annotations

from connexion.decorators.parameter import prep_kwargs
from starlette.testclient import TestClient

from sandbox import operations
from sandbox.app import create_app
from tests.conftest import bearer, make_state

COHORTS = {"filter[cohort]": "2023,2024"}
PROVIDER_READS = [
    ("/api/v1/participants/ecf", {"page[per_page]": "2", "page[page]": "2", **COHORTS}),
    ("/api/v2/participants/npq", {"page[per_page]": "2", "filter[updated_since]": "2023-01-01T00:00:00Z"}),
    ("/api/v3/participants/ecf", {"sort": "-updated_at,full_name", "filter[training_status]": "active"}),
    ("/api/v3/participants/ecf", {"filter[n]": "1", "unknown": "x", "page[size]": "3"}),
    ("/api/v3/participant-declarations", {"filter[participant_id]": "a,b", "filter[cohort]": "2024"}),
    ("/api/v3/statements", {"filter[cohort]": "2024", "filter[type]": "ecf"}),
    ("/api/v3/schools/ecf", {"filter[cohort]": "2024", "filter[urn]": "100001"}),
    ("/rect/api/v3/participants", {"sort": "created_at", "page[per_page]": "1"}),
    ("/npq/api/v3/npq-applications", {"page[per_page]": "1"}),
]


def _checked(monkeypatch) -> list[tuple[dict, dict]]:
    """Each request's arguments from `_PathAndQuery`, paired with `prep_kwargs`'s for the same request."""
    seen: list[tuple[dict, dict]] = []
    ours = operations._PathAndQuery.__call__

    def both(self, request):
        mine = ours(self, request)
        theirs = prep_kwargs(
            request,
            request_body=None,
            files={},
            arguments=self.arguments,
            has_kwargs=self.has_kwargs,
            sanitize=self.sanitize,
        )
        seen.append((mine, theirs))
        return mine

    monkeypatch.setattr(operations._PathAndQuery, "__call__", both)
    return seen


def test_provider_reads_get_the_arguments_connexion_would_give(monkeypatch) -> None:
    state = make_state(participants=5)
    client = TestClient(create_app(state=state))
    provider = next(p for p in state.store.lead_providers.values() if p.has_ecf and p.has_npq)
    seen = _checked(monkeypatch)
    listed = client.get("/api/v3/participants/ecf", headers=bearer(provider)).json()["data"]
    for path, query in [*PROVIDER_READS, (f"/api/v3/participants/ecf/{listed[0]['id']}", {})]:
        answer = client.get(path, params=query, headers=bearer(provider))
        assert answer.status_code == 200, (path, answer.text)
    assert len(seen) == len(PROVIDER_READS) + 2  # and the list that found the id, and the single read
    for mine, theirs in seen:
        assert mine == theirs
    assert any("id" in mine for mine, _ in seen)  # a path parameter
    assert any("filter" in mine and "sort" in mine for mine, _ in seen)


def test_control_reads_get_their_defaults_as_connexion_would(monkeypatch) -> None:
    """The request journal's list has query defaults (page 1, 50 per page) and an integer path id."""
    state = make_state(participants=5)
    state.admin_token = "admin-token"
    client = TestClient(create_app(state=state))
    admin = {"Authorization": "Bearer admin-token"}
    provider = next(iter(state.store.lead_providers.values()))
    client.get("/api/v3/participants/ecf", headers=bearer(provider))
    seen = _checked(monkeypatch)
    recorded = client.get("/sandbox/requests", headers=admin)
    assert recorded.status_code == 200
    first = recorded.json()["data"][0]["id"]
    assert client.get("/sandbox/requests", params={"per_page": "1"}, headers=admin).status_code == 200
    assert client.get(f"/sandbox/requests/{first}", headers=admin).status_code == 200
    assert [mine for mine, _ in seen] == [theirs for _, theirs in seen]
    assert seen[0][0].get("page") == 1 and seen[0][0].get("per_page") == 50
    assert seen[1][0].get("per_page") == 1 and seen[2][0].get("request_id") == first
