"""What only the API shows about reads: CSV columns and their order per version, empty CSV bodies,
media types, one row per profile in v1/v2 against one item per user in v3, the `page[per_page]` cap,
ordering, blank filters, and the request instant of X-With-Server-Date.

The sandbox answering here serves a small hand-made world (tests/domain/test_reads_world.py) in place
of the seeded one, so every expectation can be stated exactly."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from tests.conftest import bearer, make_state
from tests.domain.test_reads_world import World
from tests.support.openapi import validate_exchange

ECF_CSV = (
    "id,email,full_name,mentor_id,school_urn,participant_type,cohort,status,teacher_reference_number,"
    "teacher_reference_number_validated,eligible_for_funding,pupil_premium_uplift,sparsity_uplift,"
    "training_status,training_record_id,schedule_identifier,updated_at"
)
DECLARATIONS_CSV = {
    "v1": "id,participant_id,declaration_type,course_identifier,eligible_for_payment,declaration_date,"
    "updated_at,voided,state,has_passed",
    "v2": "id,participant_id,declaration_type,course_identifier,declaration_date,updated_at,state,has_passed",
}
APPLICATIONS_CSV_V1 = (
    "id,participant_id,full_name,email,email_validated,teacher_reference_number,"
    "teacher_reference_number_validated,school_urn,school_ukprn,private_childcare_provider_urn,"
    "headteacher_status,eligible_for_funding,funded_place,funding_choice,course_identifier,status,"
    "works_in_school,employer_name,employment_role,created_at,updated_at,cohort,ineligible_for_funding_reason,"
    "targeted_delivery_funding_eligibility,teacher_catchment,teacher_catchment_country,"
    "teacher_catchment_iso_country_code,itt_provider,lead_mentor"
)
APPLICATIONS_CSV_V2 = ",".join(
    c for c in APPLICATIONS_CSV_V1.split(",") if not c.startswith("teacher_catchment")
)
ENROLMENTS_CSV = (
    "participant_id,course_identifier,schedule_identifier,cohort,npq_application_id,eligible_for_funding,"
    "funded_place,training_status,school_urn"
)
LEAVING_DATE = datetime(2025, 1, 6, 9, tzinfo=UTC)


def serve(world: World) -> TestClient:
    state = make_state(participants=5)
    state.store = world.store
    return TestClient(create_app(state=state), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def scene():
    """`first` trains a dual ECT+mentor user, an ECT mentored by them, and an ECT who left for `second`;
    it holds NPQ applications too. `quiet` has both sides and no records at all."""
    world = World()
    first, second, quiet = world.provider("First"), world.provider("Second"), world.provider("Quiet")
    for provider in (first, second):
        world.statements(provider)
    partnership = world.partnership(first)
    dual, mentor, _ = world.mentor(partnership)
    world.ect(world.partnership(first), user=dual)
    _, ect, _ = world.ect(partnership, mentor=mentor)
    mover, moving, _ = world.ect(partnership, start_date=datetime(2024, 9, 10, tzinfo=UTC))
    world.transfer(moving, leaving_date=LEAVING_DATE, to=world.partnership(second))
    world.declaration(ect, first, state="eligible")
    world.declaration(mentor, first, state="voided")
    accepted = world.application(first, eligible_for_funding=True, school_urn=None)
    world.accept(accepted)
    world.application(first)
    client = serve(world)
    return world, client, first, second, quiet, dual, mover


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.text)))


# -- CSV ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_ecf_participants_csv_has_the_real_columns_one_row_per_profile(scene, version):
    _, client, first, _, _, dual, _ = scene
    response = client.get(f"/api/{version}/participants/ecf.csv", headers=bearer(first))
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv"
    validate_exchange(version, response)
    header, *body = rows(response)
    assert ",".join(header) == ECF_CSV
    assert [r[0] for r in body].count(dual.id) == 2
    assert {r[header.index("participant_type")] for r in body if r[0] == dual.id} == {"ect", "mentor"}


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_declarations_csv_columns_differ_between_v1_and_v2(scene, version):
    _, client, first, _, _, _, _ = scene
    response = client.get(f"/api/{version}/participant-declarations.csv", headers=bearer(first))
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv"
    validate_exchange(version, response)
    header, *body = rows(response)
    assert ",".join(header) == DECLARATIONS_CSV[version]
    states = [r[header.index("state")] for r in body]
    assert states == ["eligible", "voided"]
    if version == "v1":
        assert [r[header.index("voided")] for r in body] == ["false", "true"]
        assert [r[header.index("eligible_for_payment")] for r in body] == ["true", "false"]
    assert {r[header.index("has_passed")] for r in body} == {""}  # ECF: null is an empty cell


@pytest.mark.parametrize(("version", "columns"), [("v1", APPLICATIONS_CSV_V1), ("v2", APPLICATIONS_CSV_V2)])
def test_the_npq_applications_csv_omits_catchment_columns_in_v2(scene, version, columns):
    _, client, first, _, _, _, _ = scene
    response = client.get(f"/api/{version}/npq-applications.csv", headers=bearer(first))
    assert response.status_code == 200
    validate_exchange(version, response)
    header, *body = rows(response)
    assert ",".join(header) == columns
    assert len(body) == 2 and {r[header.index("email_validated")] for r in body} == {"true"}


def test_the_v2_npq_enrolments_csv(scene):
    world, client, first, _, _, _, _ = scene
    response = client.get("/api/v2/npq-enrolments.csv", headers=bearer(first))
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv"
    validate_exchange("v2", response)
    header, *body = rows(response)
    assert ",".join(header) == ENROLMENTS_CSV
    [profile] = world.store.npq_profiles.values()
    assert body == [
        [
            profile.user_id,
            "npq-headship",
            "npq-leadership-autumn",
            "2024",
            profile.id,
            "true",
            "",
            "active",
            "",
        ]
    ]


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("path", ["/participants/ecf.csv", "/participant-declarations.csv"])
def test_an_empty_ecf_csv_is_an_empty_body(scene, version, path):
    _, client, _, _, quiet, _, _ = scene
    response = client.get(f"/api/{version}{path}", headers=bearer(quiet))
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv"
    assert response.content == b""  # (openapi-core cannot validate an empty body: it calls it missing)


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_an_empty_npq_csv_still_has_its_header(scene, version):
    _, client, _, _, quiet, _, _ = scene
    response = client.get(f"/api/{version}/npq-applications.csv", headers=bearer(quiet))
    assert response.status_code == 200
    assert response.text.strip() == (APPLICATIONS_CSV_V1 if version == "v1" else APPLICATIONS_CSV_V2)


# -- JSON shapes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
@pytest.mark.parametrize(
    "path", ["/participants/ecf", "/participant-declarations", "/npq-applications", "/participants/npq"]
)
def test_json_is_served_as_vnd_api_json_without_links_or_meta(scene, version, path):
    _, client, first, _, _, _, _ = scene
    response = client.get(f"/api/{version}{path}", headers=bearer(first))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.api+json"
    assert list(response.json()) == ["data"]
    validate_exchange(version, response)


@pytest.mark.parametrize(("version", "count"), [("v1", 2), ("v2", 2), ("v3", 1)])
def test_a_dual_ect_and_mentor_appears_once_per_profile_in_v1_v2_and_once_in_v3(scene, version, count):
    _, client, first, _, _, dual, _ = scene
    response = client.get(f"/api/{version}/participants/ecf", headers=bearer(first))
    items = [i for i in response.json()["data"] if i["id"] == dual.id]
    assert len(items) == count
    if version == "v3":
        assert {e["participant_type"] for e in items[0]["attributes"]["ecf_enrolments"]} == {"ect", "mentor"}
    single = client.get(f"/api/{version}/participants/ecf/{dual.id}", headers=bearer(first))
    validate_exchange(version, single)
    attrs = single.json()["data"]["attributes"]
    assert attrs.get("participant_type", "ect") == "ect"  # v1/v2 read the ECT profile


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_v1_v2_pages_count_profiles(scene, version):
    _, client, first, _, _, dual, _ = scene
    response = client.get(
        f"/api/{version}/participants/ecf",
        params={"page[per_page]": "1", "page[page]": "2"},
        headers=bearer(first),
    )
    [item] = response.json()["data"]
    assert item["id"] == dual.id and item["attributes"]["participant_type"] == "ect"


def test_the_old_provider_reads_a_leaver_as_left_and_x_with_server_date_moves_now(scene):
    _, client, first, second, _, _, mover = scene

    def status(provider, **headers) -> str:
        response = client.get(f"/api/v3/participants/ecf/{mover.id}", headers={**bearer(provider), **headers})
        assert response.status_code == 200
        return response.json()["data"]["attributes"]["ecf_enrolments"][0]["participant_status"]

    assert (status(first), status(second)) == ("left", "active")
    before = {"X-With-Server-Date": "2025-01-01T00:00:00Z"}
    assert (status(first, **before), status(second, **before)) == ("leaving", "joining")


# -- paging, ordering, blank filters -------------------------------------------------------------------


@pytest.fixture(scope="module")
def crowded():
    world = World()
    provider = world.provider()
    for _ in range(3001):
        world.application(provider, user=world.user())
    return serve(world), provider


@pytest.mark.parametrize("asked", ["3000", "3001", "100000"])
def test_per_page_is_capped_at_3000(crowded, asked):
    client, provider = crowded
    response = client.get(
        "/api/v3/npq-applications", params={"page[per_page]": asked}, headers=bearer(provider)
    )
    assert response.status_code == 200 and len(response.json()["data"]) == 3000
    rest = client.get(
        "/api/v3/npq-applications",
        params={"page[per_page]": asked, "page[page]": "2"},
        headers=bearer(provider),
    )
    assert len(rest.json()["data"]) == 1


def test_the_default_page_is_a_hundred(crowded):
    client, provider = crowded
    response = client.get("/api/v1/npq-applications", headers=bearer(provider))
    assert len(response.json()["data"]) == 100


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [(None, "created_at", False), ("-created_at", "created_at", True), ("updated_at", "updated_at", False)],
)
def test_v3_lists_sort_by_created_at_unless_asked(crowded, sort, key, reverse):
    client, provider = crowded
    query = {"page[per_page]": "50"} | ({"sort": sort} if sort else {})
    response = client.get("/api/v3/npq-applications", params=query, headers=bearer(provider))
    validate_exchange("v3", response)
    stamps = [i["attributes"][key] for i in response.json()["data"]]
    assert stamps == sorted(stamps, reverse=reverse) and len(set(stamps)) == 50


def test_v3_participants_sort_by_updated_at_descending(scene):
    world, client, first, _, _, _, _ = scene
    response = client.get("/api/v3/participants/ecf", params={"sort": "-updated_at"}, headers=bearer(first))
    listed = [i["id"] for i in response.json()["data"]]
    assert listed == sorted(listed, key=lambda i: world.store.users[i].updated_at, reverse=True)


def test_v1_participants_with_updated_since_come_oldest_change_first(scene):
    world, client, first, _, _, _, _ = scene
    response = client.get(
        "/api/v1/participants/ecf",
        params={"filter[updated_since]": "2024-01-01T00:00:00Z"},
        headers=bearer(first),
    )
    stamps = [world.store.users[i["id"]].updated_at for i in response.json()["data"]]
    assert stamps == sorted(stamps) and len(stamps) == 4


@pytest.mark.parametrize(
    ("version", "path", "key"),
    [
        ("v3", "/participants/ecf", "cohort"),
        ("v3", "/participant-declarations", "participant_id"),
        ("v1", "/participant-declarations", "participant_id"),
        ("v3", "/npq-applications", "participant_id"),
        ("v3", "/statements", "type"),
        ("v3", "/partnerships/ecf", "delivery_partner_id"),
    ],
)
def test_a_blank_filter_value_filters_nothing_out(scene, version, path, key):
    _, client, first, _, _, _, _ = scene
    unfiltered = client.get(f"/api/{version}{path}", headers=bearer(first)).json()["data"]
    response = client.get(f"/api/{version}{path}?filter[{key}]=", headers=bearer(first))
    assert response.status_code == 200
    assert unfiltered and response.json()["data"] == unfiltered
