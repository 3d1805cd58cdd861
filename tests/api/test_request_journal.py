"""The request journal through the ASGI app: a provider's requests (good, spec-invalid, rule-refused,
throttled) read back with their verdicts as JSON and HAR; scoping; clearing; switching it off."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.clock import Clock
from sandbox.rate_limit import RateLimit
from sandbox.state import SandboxState
from tests.api.test_declarations_write import body, claim
from tests.conftest import TEST_NOW, TEST_PARTICIPANTS, bearer, make_state

ADMIN = {"Authorization": "Bearer admin-token"}
NOT_RECOGNISED = {"participant_id": "00000000-0000-0000-0000-000000000000"}


@pytest.fixture(scope="module")
def sandbox():
    state = make_state()
    state.admin_token = "admin-token"
    return state, TestClient(
        create_app(state=state, rate_limit=RateLimit(requests=30)), raise_server_exceptions=False
    )


@pytest.fixture
def world(sandbox):
    state, client = sandbox
    state.reset()
    state.request_log.remove(state.request_log.oldest_first())
    providers = list(state.store.lead_providers.values())
    return state, client, providers[0], providers[1]


def listed(client, headers, **params) -> list[dict]:
    response = client.get("/sandbox/requests", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def detail(client, headers, request_id: int) -> dict:
    response = client.get(f"/sandbox/requests/{request_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_each_kind_of_request_reads_back_with_its_verdicts(world):
    state, client, provider, _ = world
    profile, _ = claim(state.store, provider, declaration_type="started")
    good = client.get("/api/v3/participants/ecf", params={"page[per_page]": 2}, headers=bearer(provider))
    invalid = client.get("/api/v3/participants/ecf", params={"page[per_page]": 0}, headers=bearer(provider))
    refused = client.post(
        "/api/v3/participant-declarations",
        json=body(profile, "started", **NOT_RECOGNISED),
        headers=bearer(provider),
    )
    assert (good.status_code, invalid.status_code, refused.status_code) == (200, 400, 422)

    newest_first = listed(client, bearer(provider))
    assert [(r["method"], r["status"]) for r in newest_first] == [("POST", 422), ("GET", 400), ("GET", 200)]
    assert {(r["api"], r["contract"], r["version"]) for r in newest_first} == {("/api/v3", "v3", "v3")}
    assert all(r["lead_provider_id"] == provider.id for r in newest_first)

    refused_entry, invalid_entry, good_entry = (
        detail(client, bearer(provider), r["id"]) for r in newest_first
    )
    assert good_entry["refused_by"] is None
    assert good_entry["verdicts"] == {
        "request": {"conforms": True, "problems": []},
        "response": {"conforms": True, "problems": []},
    }
    assert good_entry["query"] == "page%5Bper_page%5D=2"
    assert json.loads(good_entry["response"]["body"]) == good.json()
    assert invalid_entry["verdicts"]["request"] == {
        "conforms": False,
        "problems": [
            {"where": "query", "name": "page.per_page", "message": "0 is less than the minimum of 1"}
        ],
    }
    assert invalid_entry["verdicts"]["response"]["conforms"] is True
    assert invalid_entry["refused_by"]["error"] == "BadRequest"
    assert refused_entry["refused_by"] == {
        "error": "ValidationFailed",
        "rulebook_section": "4.4",
        "rulebook_title": "Participant declarations — POST",
    }
    assert json.loads(refused_entry["request"]["body"])["data"]["attributes"]["declaration_type"] == "started"
    assert refused_entry["verdicts"]["request"]["conforms"] is True
    headers = {h["name"]: h["value"] for h in refused_entry["request"]["headers"]}
    assert provider.token not in json.dumps(refused_entry)
    assert headers["authorization"] == f"Bearer ***{provider.token[-4:]}"


def test_a_throttled_request_is_recorded_and_the_retry_after_the_window_shows_on_the_go_live_report():
    now = [TEST_NOW]
    state = SandboxState(participants=TEST_PARTICIPANTS, clock=Clock(lambda: now[0]))
    client = TestClient(
        create_app(state=state, rate_limit=RateLimit(requests=2)), raise_server_exceptions=False
    )
    provider = next(iter(state.store.lead_providers.values()))
    url = f"/sandbox/providers/{provider.id}/go-live"
    statuses = [client.get("/api/v3/statements", headers=bearer(provider)).status_code for _ in range(4)]
    assert statuses == [200, 200, 429, 429]
    throttled = listed(client, bearer(provider), status=429)
    assert [(r["path"], r["refused_by"]) for r in throttled] == [("/api/v3/statements", None)] * 2
    assert not _item(client.get(url, headers=bearer(provider)).json()["data"], "throttled_then_retried")[
        "done"
    ]
    now[0] = TEST_NOW + timedelta(seconds=300)
    assert client.get("/api/v3/statements", headers=bearer(provider)).status_code == 200
    item = _item(client.get(url, headers=bearer(provider)).json()["data"], "throttled_then_retried")
    assert item["done"] and item["request_ids"] == [throttled[-1]["id"], throttled[0]["id"] + 1]


def _item(report: dict, item_id: str) -> dict:
    return next(i for i in report["items"] if i["id"] == item_id)


def test_har_export_holds_the_exchanges_oldest_first(world):
    state, client, provider, _ = world
    client.get(
        "/api/v2/participants/ecf",
        params={"filter[updated_since]": "2020-01-01T00:00:00Z"},
        headers=bearer(provider),
    )
    client.get("/api/v1/participant-declarations/nope", headers=bearer(provider))
    response = client.get("/sandbox/requests.har", headers=bearer(provider))
    assert response.status_code == 200
    log = response.json()["log"]
    assert (log["version"], log["creator"]["name"]) == ("1.2", "cpd-sandbox")
    first, second = log["entries"]
    assert first["request"]["url"].startswith("http://testserver/api/v2/participants/ecf?filter")
    assert first["request"]["queryString"] == [
        {"name": "filter[updated_since]", "value": "2020-01-01T00:00:00Z"}
    ]
    assert (first["response"]["status"], first["response"]["statusText"]) == (200, "OK")
    assert json.loads(first["response"]["content"]["text"])["data"]
    assert (second["response"]["status"], second["_sandbox"]["refused_by"]["error"]) == (404, "NotFound")
    assert second["_sandbox"]["lead_provider_id"] == provider.id
    assert provider.token not in response.text


def test_a_provider_sees_only_its_own_requests_and_the_admin_sees_all(world):
    state, client, provider, other = world
    client.get("/api/v3/statements", headers=bearer(provider))
    client.get("/api/v3/statements", headers=bearer(other))
    client.get("/api/v3/statements", headers={"Authorization": "Bearer wrong"})
    mine = listed(client, bearer(provider))
    assert [r["lead_provider_id"] for r in mine] == [provider.id]
    theirs = listed(client, bearer(other))[0]
    assert client.get(f"/sandbox/requests/{theirs['id']}", headers=bearer(provider)).status_code == 403
    assert (
        client.get(
            "/sandbox/requests", params={"lead_provider_id": other.id}, headers=bearer(provider)
        ).status_code
        == 403
    )
    assert (
        client.get(
            "/sandbox/requests.har", params={"lead_provider_id": other.id}, headers=bearer(provider)
        ).status_code
        == 403
    )
    assert client.get(f"/sandbox/providers/{other.id}/go-live", headers=bearer(provider)).status_code == 403
    assert client.get(f"/sandbox/providers/{other.id}/evidence", headers=bearer(provider)).status_code == 403
    everyone = listed(client, ADMIN)
    assert [r["lead_provider_id"] for r in everyone] == [None, other.id, provider.id]
    assert everyone[0]["status"] == 401
    assert [r["lead_provider_id"] for r in listed(client, ADMIN, lead_provider_id=other.id)] == [other.id]
    assert client.get("/sandbox/requests/999999", headers=ADMIN).status_code == 404


def test_filters_and_paging(world):
    state, client, provider, _ = world
    for _ in range(3):
        client.get("/api/v3/statements", headers=bearer(provider))
    client.get("/api/v1/participants/ecf", headers=bearer(provider))
    assert len(listed(client, ADMIN, path="statements")) == 3
    assert len(listed(client, ADMIN, contract="v1")) == 1
    assert len(listed(client, ADMIN, contract="/api/v3")) == 3
    assert listed(client, ADMIN, status=404) == []
    assert len(listed(client, ADMIN, since="2026-11-27T12:00:00Z")) == 4
    assert listed(client, ADMIN, since="2026-11-27T12:00:01Z") == []
    page = client.get("/sandbox/requests", params={"page": 2, "per_page": 3}, headers=ADMIN).json()
    assert len(page["data"]) == 1 and page["meta"] == {"total": 4, "page": 2, "per_page": 3, "capacity": 1000}
    bad = client.get("/sandbox/requests", params={"since": "yesterday"}, headers=ADMIN)
    assert bad.status_code == 400 and "since" in bad.json()["errors"][0]["detail"]


def test_clearing_removes_the_callers_own_requests_only(world):
    state, client, provider, other = world
    client.get("/api/v3/statements", headers=bearer(provider))
    client.get("/api/v3/statements", headers=bearer(other))
    cleared = client.delete("/sandbox/requests", headers=bearer(provider))
    assert cleared.json() == {"data": {"removed": 1}}
    assert listed(client, bearer(provider)) == []
    assert len(listed(client, bearer(other))) == 1
    assert client.delete("/sandbox/requests", headers=ADMIN).json() == {"data": {"removed": 1}}


def test_the_go_live_report_marks_a_refused_then_corrected_declaration_only_once_corrected(world):
    state, client, provider, _ = world
    profile, _ = claim(state.store, provider, declaration_type="started")
    url = f"/sandbox/providers/{provider.id}/go-live"
    refused = client.post(
        "/api/v3/participant-declarations",
        json=body(profile, "started", declaration_date="x"),
        headers=bearer(provider),
    )
    assert refused.status_code == 422
    report = client.get(url, headers=bearer(provider)).json()["data"]
    assert not _item(report, "refused_then_corrected")["done"]
    assert not _item(report, "started_declaration")["done"]
    accepted = client.post(
        "/api/v3/participant-declarations", json=body(profile, "started"), headers=bearer(provider)
    )
    assert accepted.status_code == 200
    report = client.get(url, headers=bearer(provider)).json()["data"]
    ids = [r["id"] for r in listed(client, bearer(provider), path="participant-declarations")]
    assert _item(report, "refused_then_corrected") == {
        "id": "refused_then_corrected",
        "title": "A declaration refused with 422 and then corrected",
        "done": True,
        "request_ids": sorted(ids),
    }
    assert _item(report, "started_declaration")["request_ids"] == [max(ids)]
    client.delete("/sandbox/requests", headers=bearer(provider))
    report = client.get(url, headers=bearer(provider)).json()["data"]
    assert report["done"] == 0 and report["requests"] == 0


def test_the_evidence_pack_holds_the_report_and_the_har(world):
    state, client, provider, _ = world
    client.get("/api/v3/statements", headers=bearer(provider))
    response = client.get(f"/sandbox/providers/{provider.id}/evidence", headers=bearer(provider))
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as pack:
        assert sorted(pack.namelist()) == ["go-live.json", "requests.har"]
        assert json.loads(pack.read("go-live.json"))["lead_provider_id"] == provider.id
        assert len(json.loads(pack.read("requests.har"))["log"]["entries"]) == 1


def test_the_journal_is_bounded_and_can_be_switched_off():
    state = make_state()
    state.admin_token = "admin-token"
    client = TestClient(create_app(state=state, request_log_size=2), raise_server_exceptions=False)
    provider = next(iter(state.store.lead_providers.values()))
    for path in ("statements", "participants/ecf", "participant-declarations"):
        client.get(f"/api/v3/{path}", headers=bearer(provider))
    assert [r["path"] for r in listed(client, ADMIN)] == [
        "/api/v3/participant-declarations",
        "/api/v3/participants/ecf",
    ]
    off = make_state()
    client = TestClient(create_app(state=off, request_log_size=0), raise_server_exceptions=False)
    assert client.get("/api/v3/statements", headers=bearer(provider)).status_code == 200
    assert off.request_log is None
    assert client.get("/sandbox/requests", headers=bearer(provider)).status_code == 404


def test_control_api_requests_are_not_recorded(world):
    state, client, provider, _ = world
    client.get("/sandbox/world", headers=bearer(provider))
    client.get("/healthcheck")
    assert listed(client, ADMIN) == []


@pytest.mark.parametrize(
    ("path", "contract"),
    [("/rect/api/v3/participants", "rect-v3"), ("/npq/api/v3/npq-applications", "npq-v3")],
)
def test_the_successor_apis_are_recorded_under_their_own_contract_and_checked_against_its_spec(
    world, path: str, contract: str
):
    _, client, provider, _ = world  # the first provider has both sides: every API knows its token
    assert client.get(path, headers=bearer(provider)).status_code == 200
    [entry] = listed(client, bearer(provider), contract=contract)
    assert (entry["path"], entry["contract"], entry["version"]) == (path, contract, "v3")
    verdicts = detail(client, bearer(provider), entry["id"])["verdicts"]
    assert verdicts["request"]["conforms"] and verdicts["response"]["conforms"], verdicts


def test_a_body_sent_to_an_operation_that_takes_none_is_journaled_and_changes_nothing(world):
    """A list defines no request body: what a client sends anyway (here a form file named like a query
    parameter) is journaled with the request and changes nothing in the answer."""
    state, client, provider, _ = world
    query = {"page[per_page]": 2, "sort": "-created_at"}
    plain = client.get("/api/v3/participants/ecf", params=query, headers=bearer(provider))
    sent = client.request(
        "GET",
        "/api/v3/participants/ecf",
        params=query,
        headers=bearer(provider),
        files={"sort": ("sort.txt", b"full_name")},
    )
    assert (plain.status_code, sent.status_code) == (200, 200) and sent.json() == plain.json()
    newest, oldest = (detail(client, bearer(provider), r["id"]) for r in listed(client, bearer(provider)))
    assert oldest["request"]["body"] in ("", None)
    assert "full_name" in newest["request"]["body"]
