"""The control API's DfE-side events read back through the NPQ service's API (/npq/api/v3) and the older
contracts: a new application in a suffixed cohort, accepting across funding kinds on the provider's
clock, revert to pending, change of cohort, a move to another provider, a merge (410), a payment run on
a suffixed cohort's statement, and a provider's reset.

The app is shared by the module; each test starts from a freshly built world."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.world.entities import LeadProvider, NPQApplication
from sandbox.state import SandboxState
from sandbox.store import Store
from tests.conftest import VERSIONS, bearer, make_state
from tests.support.openapi import validate_exchange

ADMIN = {"Authorization": "Bearer admin-token"}
EVENTS = "/sandbox/events"
NPQ = "/npq/api/v3"


@pytest.fixture(scope="module")
def sandbox() -> SandboxState:
    state = make_state()
    state.admin_token = "admin-token"
    return state


@pytest.fixture(scope="module")
def api(sandbox: SandboxState) -> TestClient:
    with TestClient(create_app(state=sandbox), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def store(sandbox: SandboxState) -> Store:
    sandbox.reset()
    return sandbox.store


def _provider(store: Store, name: str) -> LeadProvider:
    return next(p for p in store.lead_providers.values() if p.name == name)


def _event(api: TestClient, method: str, path: str, body: Any = None) -> httpx.Response:
    response = api.request(method, EVENTS + path, json=body, headers=ADMIN)
    validate_exchange("sandbox", response)
    return response


def _npq(api: TestClient, provider: LeadProvider, method: str, path: str, body: Any = None) -> httpx.Response:
    response = api.request(method, NPQ + path, json=body, headers=bearer(provider))
    validate_exchange("npq-v3", response)
    return response


def _attributes(api: TestClient, provider: LeadProvider, application_id: str) -> dict[str, Any]:
    shown = _npq(api, provider, "GET", f"/npq-applications/{application_id}")
    assert shown.status_code == 200, shown.text
    return shown.json()["data"]["attributes"]


def _pending(store: Store, provider: LeadProvider, cohort: int, suffix: str) -> NPQApplication:
    return next(
        a
        for a in store.npq_applications.values()
        if a.lead_provider_id == provider.id
        and a.status == "pending"
        and (a.cohort, a.cohort_suffix) == (cohort, suffix)
        and a.eligible_for_funding
        and not store.reference.npq_family(a.course_identifier) == "ehco"
    )


def _accept(
    api: TestClient, provider: LeadProvider, application_id: str, **attributes: Any
) -> httpx.Response:
    body = {"data": {"type": "npq-application-accept", "attributes": attributes}} if attributes else None
    return _npq(api, provider, "POST", f"/npq-applications/{application_id}/accept", body)


def test_a_new_application_in_a_suffixed_cohort_shows_in_both_contracts(
    api: TestClient, store: Store
) -> None:
    provider = _provider(store, "Teach First")
    created = _event(
        api,
        "POST",
        "/npq-applications",
        {
            "lead_provider_id": provider.id,
            "full_name": "Grace Hopper",
            "email": "grace@example.com",
            "course_identifier": "npq-headship",
            "cohort": "2025b",
            "eligible_for_funding": True,
        },
    )
    assert created.status_code == 200, created.text
    application_id = created.json()["data"]["npq_application"]["id"]
    shown = _attributes(api, provider, application_id)
    assert (shown["cohort"], shown["cohort_suffix"], shown["status"]) == ("2025", "b", "pending")
    listed = _npq(api, provider, "GET", "/npq-applications?filter[cohort]=2025&page[per_page]=3000")
    suffixes = {a["attributes"]["cohort_suffix"] for a in listed.json()["data"]}
    assert application_id in {a["id"] for a in listed.json()["data"]} and suffixes == {"a", "b"}
    for version in VERSIONS:
        old = api.get(f"/api/{version}/npq-applications/{application_id}", headers=bearer(provider))
        validate_exchange(version, old)
        assert old.json()["data"]["attributes"]["cohort"] == "2025"  # the old service knew years only
        assert "cohort_suffix" not in old.json()["data"]["attributes"]


def test_a_cohort_the_provider_does_not_offer_is_refused(api: TestClient, store: Store) -> None:
    provider = _provider(store, "Teach First")
    refused = _event(
        api,
        "POST",
        "/npq-applications",
        {"lead_provider_id": provider.id, "full_name": "A B", "email": "ab@example.com",
         "course_identifier": "npq-headship", "cohort": "2026a"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert "does not offer the 2026a cohort" in refused.text


def test_accepting_across_funding_kinds_on_the_providers_clock(api: TestClient, store: Store) -> None:
    provider = _provider(store, "Best Practice Network")
    clock = api.put(
        f"/sandbox/providers/{provider.id}/clock", json={"instant": "2026-12-02T10:00:00Z"}, headers=ADMIN
    )
    assert clock.status_code == 200, clock.text
    zero = _pending(store, provider, 2026, "a")
    refused = _accept(api, provider, zero.id)
    assert refused.json()["errors"] == [
        {
            "title": "funded_place",
            "detail": "The '#/funded_place' field should be false for unfunded cohorts.",
        }
    ]
    accepted = _accept(api, provider, zero.id, funded_place=False)
    assert accepted.status_code == 200, accepted.text
    shown = accepted.json()["data"]["attributes"]
    # 2026a: leadership and specialist default to the spring schedule of that exact cohort.
    assert shown["schedule_identifier"].endswith("-spring") and shown["cohort_suffix"] == "a"
    assert shown["funded_place"] is None

    capped = _pending(store, provider, 2026, "b")
    assert _accept(api, provider, capped.id).status_code == 422
    accepted = _accept(api, provider, capped.id, funded_place=True).json()["data"]["attributes"]
    assert accepted["funded_place"] is True and accepted["schedule_identifier"].endswith("-autumn")

    full = _pending(store, provider, 2023, "a")
    accepted = _accept(api, provider, full.id).json()["data"]["attributes"]
    assert accepted["status"] == "accepted" and accepted["funded_place"] is None

    participant = _npq(api, provider, "GET", f"/participants/npq/{capped.user_id}").json()["data"]
    (enrolment,) = [
        e for e in participant["attributes"]["npq_enrolments"] if e["npq_application_id"] == capped.id
    ]
    assert (enrolment["cohort"], enrolment["cohort_suffix"]) == ("2026", "b")


def test_revert_to_pending_and_accept_again(api: TestClient, store: Store) -> None:
    provider = _provider(store, "Teach First")
    application = _pending(store, provider, 2025, "b")
    assert _accept(api, provider, application.id, funded_place=True).status_code == 200
    reverted = _event(api, "POST", f"/npq-applications/{application.id}/revert-to-pending")
    assert reverted.status_code == 200, reverted.text
    shown = _attributes(api, provider, application.id)
    assert (shown["status"], shown["funded_place"]) == ("pending", None)
    assert shown["schedule_identifier"] is not None  # the schedule stays
    gone = _npq(api, provider, "GET", f"/participants/npq/{application.user_id}")
    assert gone.status_code == 404
    again = _event(api, "POST", f"/npq-applications/{application.id}/revert-to-pending")
    assert again.status_code == 422 and "already pending" in again.text
    assert _accept(api, provider, application.id, funded_place=False).status_code == 200


def test_revert_is_refused_while_a_declaration_counts(api: TestClient, store: Store) -> None:
    claimed = next(
        d for d in store.declarations.values() if d.is_npq and d.state in ("submitted", "eligible", "paid")
    )
    before = store.npq_applications[claimed.profile_id].status
    refused = _event(api, "POST", f"/npq-applications/{claimed.profile_id}/revert-to-pending")
    assert refused.status_code == 422 and "void them first" in refused.text
    assert store.npq_applications[claimed.profile_id].status == before


def test_change_cohort_shows_the_new_suffix(api: TestClient, store: Store) -> None:
    provider = _provider(store, "Teach First")
    application = _pending(store, provider, 2025, "a")
    moved = _event(api, "PUT", f"/npq-applications/{application.id}/cohort", {"cohort": "2025b"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["data"]["npq_application"]["attributes"]["cohort_suffix"] == "b"
    shown = _attributes(api, provider, application.id)
    assert (shown["cohort"], shown["cohort_suffix"]) == ("2025", "b")
    for body, text in (({"cohort": "2025b"}, "already in this cohort"), ({"cohort": "2031z"}, "2026b")):
        refused = _event(api, "PUT", f"/npq-applications/{application.id}/cohort", body)
        assert refused.status_code == 422 and text in refused.text


def test_change_cohort_refuses_a_bare_year(api: TestClient, store: Store) -> None:
    provider = _provider(store, "Teach First")
    application = _pending(store, provider, 2025, "a")
    # The document's pattern refuses what is not an identifier (400); the domain what is no cohort (422).
    for cohort, status in (("2026", 400), (2026, 400), ("2026B", 400), ("2031z", 422)):
        refused = _event(api, "PUT", f"/npq-applications/{application.id}/cohort", {"cohort": cohort})
        assert refused.status_code == status and "cohort" in refused.text, refused.text
    assert (application.cohort, application.cohort_suffix) == (2025, "a")


def _with_extra_attribute(response: httpx.Response) -> httpx.Response:
    body = response.json()
    body["data"]["npq_application"]["attributes"]["unexpected"] = True
    return httpx.Response(response.status_code, json=body, request=response.request)


def test_the_npq_application_event_answers_are_closed(api: TestClient, store: Store) -> None:
    provider = _provider(store, "Teach First")
    application = _pending(store, provider, 2025, "a")
    changed = _event(api, "PUT", f"/npq-applications/{application.id}/cohort", {"cohort": "2025b"})
    created = _event(
        api,
        "POST",
        "/npq-applications",
        {"lead_provider_id": provider.id, "participant_id": application.user_id,
         "course_identifier": "npq-senco", "cohort": "2025b"},
    )  # fmt: skip
    for answer in (changed, created):
        assert answer.status_code == 200, answer.text
        with pytest.raises(Exception, match="unexpected"):
            validate_exchange("sandbox", _with_extra_attribute(answer))


def test_a_funding_verdict_shows_and_governs_the_funded_place(api: TestClient, store: Store) -> None:
    provider = _provider(store, "Teach First")
    application = _pending(store, provider, 2025, "b")
    path = f"/npq-applications/{application.id}/eligibility"
    changed = _event(
        api,
        "PUT",
        path,
        {"eligible_for_funding": False, "ineligible_for_funding_reason": "establishment-ineligible"},
    )
    assert changed.status_code == 200, changed.text
    shown = _attributes(api, provider, application.id)
    assert (shown["eligible_for_funding"], shown["ineligible_for_funding_reason"]) == (
        False,
        "establishment-ineligible",
    )
    old = api.get(f"/api/v3/npq-applications/{application.id}", headers=bearer(provider))
    assert old.json()["data"]["attributes"]["eligible_for_funding"] is False
    refused = _accept(api, provider, application.id, funded_place=True)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["title"] == "application"
    bad = _event(
        api, "PUT", path, {"eligible_for_funding": True, "ineligible_for_funding_reason": "previously-funded"}
    )
    assert bad.status_code == 422 and store.npq_applications[application.id].eligible_for_funding is False
    assert _event(api, "PUT", path, {"eligible_for_funding": True}).status_code == 200
    assert _accept(api, provider, application.id, funded_place=True).status_code == 200
    holding = _event(api, "PUT", path, {"eligible_for_funding": False})
    assert holding.status_code == 422 and "funded place" in holding.text


def test_a_moved_application_shows_to_its_new_provider(api: TestClient, store: Store) -> None:
    giver, taker = _provider(store, "Teach First"), _provider(store, "Ambition Institute")
    application = _pending(store, giver, 2026, "b")
    moved = _event(
        api, "PUT", f"/npq-applications/{application.id}/lead-provider", {"lead_provider_id": taker.id}
    )
    assert moved.status_code == 200, moved.text
    assert _attributes(api, taker, application.id)["cohort_suffix"] == "b"
    assert _npq(api, giver, "GET", f"/npq-applications/{application.id}").status_code == 404


def test_a_merged_participant_id_is_gone_on_the_npq_api(api: TestClient, store: Store) -> None:
    provider = _provider(store, "Teach First")
    accepted = [
        a
        for a in store.npq_applications.values()
        if a.lead_provider_id == provider.id and a.status == "accepted"
    ]
    duplicate, survivor = accepted[0].user_id, accepted[1].user_id
    merged = _event(api, "POST", f"/participants/{duplicate}/merge", {"into_participant_id": survivor})
    assert merged.status_code == 200, merged.text
    gone = _npq(api, provider, "GET", f"/participants/npq/{duplicate}")
    assert gone.status_code == 410
    (change,) = gone.json()["errors"][0]["participant_id_changes"]
    assert (change["from_participant_id"], change["to_participant_id"]) == (duplicate, survivor)


def test_a_payment_run_on_a_suffixed_cohorts_statement(api: TestClient, store: Store) -> None:
    provider = _provider(store, "Teach First")
    statement = next(
        s
        for s in store.statements.values()
        if s.lead_provider_id == provider.id
        and (s.cohort, s.cohort_suffix, s.name) == (2025, "b", "January 2027")
    )
    listed = _npq(api, provider, "GET", "/statements?filter[cohort]=2025&page[per_page]=3000").json()["data"]
    assert (
        sum(1 for s in listed if (s["attributes"]["month"], s["attributes"]["year"]) == ("January", "2027"))
        == 2
    )
    headers = {**ADMIN, "X-With-Server-Date": "2027-01-26T09:00:00Z"}
    for step in ("deadline", "payment"):
        run = api.post(f"{EVENTS}/statements/{statement.id}/{step}", headers=headers)
        assert run.status_code == 200, run.text
    shown = _npq(api, provider, "GET", f"/statements/{statement.id}").json()["data"]["attributes"]
    assert (shown["cohort"], shown["paid"]) == ("2025", True)


def test_a_providers_reset_undoes_its_own_npq_events(api: TestClient, store: Store) -> None:
    provider = _provider(store, "Teach First")
    application = _pending(store, provider, 2025, "a")
    changed = api.put(
        f"{EVENTS}/npq-applications/{application.id}/cohort",
        json={"cohort": "2025b"},
        headers=bearer(provider),
    )
    assert changed.status_code == 200, changed.text
    assert _attributes(api, provider, application.id)["cohort_suffix"] == "b"
    assert api.post(f"/sandbox/providers/{provider.id}/reset", headers=bearer(provider)).status_code == 200
    assert _attributes(api, provider, application.id)["cohort_suffix"] == "a"
    other = _provider(store, "Ambition Institute")
    foreign = _pending(store, other, 2025, "a")
    refused = api.put(
        f"{EVENTS}/npq-applications/{foreign.id}/cohort", json={"cohort": "2025b"}, headers=bearer(provider)
    )
    assert refused.status_code == 403


# -- suffixed cohorts through the providers' writes ------------------------------------------------


def test_a_declaration_in_a_suffixed_cohort_lands_on_that_cohorts_statement(
    api: TestClient, store: Store
) -> None:
    provider = _provider(store, "Ambition Institute")
    api.put(
        f"/sandbox/providers/{provider.id}/clock", json={"instant": "2026-12-02T10:00:00Z"}, headers=ADMIN
    )
    application = next(
        a
        for a in store.npq_applications.values()
        if a.lead_provider_id == provider.id
        and (a.cohort, a.cohort_suffix, a.status) == (2026, "b", "pending")
        and a.course_identifier in ("npq-headship", "npq-senior-leadership", "npq-senco")
        and a.eligible_for_funding
        and a.teacher_catchment
    )
    assert _accept(api, provider, application.id, funded_place=True).status_code == 200
    partner = next(
        p.delivery_partner_id
        for p in store.npq_delivery_partnerships
        if (p.lead_provider_id, p.cohort, p.cohort_suffix) == (provider.id, 2026, "b")
    )
    body = {
        "data": {
            "type": "participant-declaration",
            "attributes": {
                "participant_id": application.user_id,
                "declaration_type": "started",
                "declaration_date": "2026-12-01T09:00:00Z",
                "course_identifier": application.course_identifier,
                "delivery_partner_id": partner,
            },
        }
    }
    made = _npq(api, provider, "POST", "/participant-declarations", body)
    assert made.status_code == 200, made.text
    statement = store.statements[made.json()["data"]["attributes"]["statement_id"]]
    assert (statement.cohort, statement.cohort_suffix, statement.name) == (2026, "b", "January 2027")
    # DfE revokes and confirms its eligibility: it comes back to the same cohort's statement.
    declaration_id = made.json()["data"]["id"]
    for eligible, state in ((False, "submitted"), (True, "eligible")):
        changed = _event(
            api, "POST", "/declaration-eligibility", {"eligible": eligible, "declaration_id": declaration_id}
        )
        assert changed.status_code == 200, changed.text
        shown = _npq(api, provider, "GET", f"/participant-declarations/{declaration_id}").json()["data"][
            "attributes"
        ]
        assert shown["state"] == state
    assert shown["statement_id"] == statement.id


def test_the_old_contract_accepts_a_suffixed_application_in_its_exact_cohort(
    api: TestClient, store: Store
) -> None:
    provider = _provider(store, "Teach First")
    application = _pending(store, provider, 2025, "b")
    body = {"data": {"type": "npq-application-accept", "attributes": {"funded_place": True}}}
    accepted = api.post(
        f"/api/v3/npq-applications/{application.id}/accept",
        json=body,
        headers={**bearer(provider), "X-With-Server-Date": "2026-12-02T10:00:00Z"},
    )
    validate_exchange("v3", accepted)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["data"]["attributes"]["cohort"] == "2025"
    schedule = store.reference.schedule(application.schedule_identifier, 2025, "b")
    assert schedule is not None and application.cohort_suffix == "b"


def _funding(shown: dict[str, Any]) -> tuple[bool, str | None]:
    return shown["eligible_for_funding"], shown["ineligible_for_funding_reason"]


def _trn(shown: dict[str, Any]) -> tuple[str | None, bool]:
    return shown["teacher_reference_number"], shown["teacher_reference_number_validated"]


def test_funded_by_policy_makes_a_person_funded_before_eligible_again(api: TestClient, store: Store) -> None:
    provider = _provider(store, "Teach First")
    first = _pending(store, provider, 2025, "b")
    assert _accept(api, provider, first.id, funded_place=True).status_code == 200
    again = _event(
        api,
        "POST",
        "/npq-applications",
        {
            "lead_provider_id": provider.id,
            "participant_id": first.user_id,
            "course_identifier": first.course_identifier,
            "cohort": "2026b",
            "eligible_for_funding": True,
        },
    )
    assert again.status_code == 200, again.text
    application_id = again.json()["data"]["npq_application"]["id"]
    shown = _attributes(api, provider, application_id)
    assert _funding(shown) == (False, "previously-funded")
    path = f"/npq-applications/{application_id}/eligibility"
    refused = _event(api, "PUT", path, {"eligible_for_funding": False, "funded_by_policy": True})
    assert refused.status_code == 422 and "funded_by_policy" in refused.text
    assert store.npq_applications[application_id].funded_by_policy is False
    marked = _event(api, "PUT", path, {"eligible_for_funding": True, "funded_by_policy": True})
    assert marked.status_code == 200, marked.text
    shown = _attributes(api, provider, application_id)
    # The NPQ service keeps saying why it was not funded, and funds it all the same.
    assert _funding(shown) == (True, "previously-funded")
    assert _accept(api, provider, application_id, funded_place=True).status_code == 200
    # Left out, the marking goes again.
    assert _event(api, "PUT", path, {"eligible_for_funding": True}).status_code == 200
    assert _attributes(api, provider, application_id)["eligible_for_funding"] is False


def test_a_trn_check_shows_on_every_application_of_the_person(api: TestClient, store: Store) -> None:
    provider, other = _provider(store, "Ambition Institute"), _provider(store, "Teach First")
    application = next(
        a
        for a in store.npq_applications.values()
        if a.lead_provider_id == provider.id
        and (a.cohort, a.cohort_suffix, a.status) == (2026, "b", "pending")
        and store.users[a.user_id].teacher_reference_number is None
    )
    shown = _attributes(api, provider, application.id)
    assert _trn(shown) == (None, False)
    path = f"/npq-applications/{application.id}/teacher-reference-number"
    before = shown["updated_at"]
    for body, field in (
        ({"verified": True}, "teacher_reference_number"),
        ({"teacher_reference_number": "12345", "verified": True}, "teacher_reference_number"),
        ({"teacher_reference_number": "1234567", "verified": "yes"}, None),
    ):
        refused = _event(api, "PUT", path, body)
        assert refused.status_code in (400, 422), refused.text
        assert field is None or field in refused.text
    assert _attributes(api, provider, application.id)["teacher_reference_number"] is None
    forbidden = api.put(EVENTS + path, json={"verified": False}, headers=bearer(other))
    assert forbidden.status_code == 403
    found = {"teacher_reference_number": "1234567", "verified": True}
    checked = api.put(EVENTS + path, json=found, headers=bearer(provider))
    validate_exchange("sandbox", checked)
    assert checked.status_code == 200, checked.text
    shown = _attributes(api, provider, application.id)
    assert _trn(shown) == ("1234567", True)
    assert shown["updated_at"] > before
    old = api.get(f"/api/v3/npq-applications/{application.id}", headers=bearer(provider))
    assert old.json()["data"]["attributes"]["teacher_reference_number_validated"] is True
    assert _event(api, "PUT", path, {"verified": False}).status_code == 200
    shown = _attributes(api, provider, application.id)
    # Unverified again: the NPQ service hides the TRN it still holds; the older contracts show it.
    assert _trn(shown) == (None, False)
    old = api.get(f"/api/v3/npq-applications/{application.id}", headers=bearer(provider))
    assert old.json()["data"]["attributes"]["teacher_reference_number"] == "1234567"


def test_a_verified_trn_shows_on_an_application_made_after_the_check(api: TestClient, store: Store) -> None:
    provider = _provider(store, "Ambition Institute")
    application = next(
        a
        for a in store.npq_applications.values()
        if a.lead_provider_id == provider.id
        and (a.cohort, a.cohort_suffix, a.status) == (2026, "b", "pending")
        and store.users[a.user_id].teacher_reference_number is None
        and len(store.applications_of(a.user_id)) == 1
    )
    path = f"/npq-applications/{application.id}/teacher-reference-number"
    checked = _event(api, "PUT", path, {"teacher_reference_number": "7654321", "verified": True})
    assert checked.status_code == 200, checked.text
    course = next(
        a.course_identifier
        for a in store.npq_applications.values()
        if a.lead_provider_id == provider.id
        and (a.cohort, a.cohort_suffix) == (2026, "b")
        and a.course_identifier != application.course_identifier
    )
    later = _event(
        api,
        "POST",
        "/npq-applications",
        {"lead_provider_id": provider.id, "participant_id": application.user_id,
         "course_identifier": course, "cohort": "2026b"},
    )  # fmt: skip
    assert later.status_code == 200, later.text
    assert later.json()["data"]["npq_application"]["attributes"]["teacher_reference_number_validated"] is True
    shown = _attributes(api, provider, later.json()["data"]["npq_application"]["id"])
    assert _trn(shown) == ("7654321", True)
    assert _trn(_attributes(api, provider, application.id)) == ("7654321", True)


# -- DfE archives a person's account --------------------------------------------------------------


def _email_everywhere(api: TestClient, provider: LeadProvider, application: NPQApplication) -> tuple:
    """The person's email as the NPQ service shows it (application, enrolment) and as /api/v3 does."""
    person = _npq(api, provider, "GET", f"/participants/npq/{application.user_id}")
    assert person.status_code == 200, person.text
    (enrolment,) = [
        e
        for e in person.json()["data"]["attributes"]["npq_enrolments"]
        if e["npq_application_id"] == application.id
    ]
    old = api.get(f"/api/v3/npq-applications/{application.id}", headers=bearer(provider))
    validate_exchange("v3", old)
    return (
        _attributes(api, provider, application.id)["email"],
        enrolment["email"],
        old.json()["data"]["attributes"]["email"],
    )


def test_archiving_a_person_nulls_their_email_on_the_npq_service_only(api: TestClient, store: Store) -> None:
    provider, other = _provider(store, "Teach First"), _provider(store, "Ambition Institute")
    application = next(
        a
        for a in store.npq_applications.values()
        if a.lead_provider_id == provider.id
        and a.status == "accepted"
        and not store.users[a.user_id].archived
        and {b.lead_provider_id for b in store.applications_of(a.user_id)} == {provider.id}
    )
    address = store.users[application.user_id].email
    before = _attributes(api, provider, application.id)["updated_at"]
    path = f"{EVENTS}/participants/{application.user_id}/archive"
    # Refused calls change nothing: no token, an unknown token, another provider's, an unknown person.
    assert api.post(path).status_code == 401
    assert api.post(path, headers={"Authorization": "Bearer nobody"}).status_code == 401
    forbidden = api.post(path, headers=bearer(other))
    validate_exchange("sandbox", forbidden)
    assert forbidden.status_code == 403
    unknown = _event(api, "POST", "/participants/00000000-0000-0000-0000-000000000000/archive")
    assert unknown.status_code == 404
    assert _email_everywhere(api, provider, application) == (address, address, address)
    archived = api.post(path, headers=bearer(provider))
    validate_exchange("sandbox", archived)
    assert archived.status_code == 200, archived.text
    assert archived.json()["data"]["participant_id"] == application.user_id
    assert _email_everywhere(api, provider, application) == (None, None, address)
    assert _attributes(api, provider, application.id)["updated_at"] > before
    # Again: nothing more changes.
    assert _event(api, "POST", f"/participants/{application.user_id}/archive").status_code == 200
    assert _email_everywhere(api, provider, application) == (None, None, address)
