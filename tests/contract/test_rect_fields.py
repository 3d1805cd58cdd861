"""Our RECT spec against the real service: every operation, status, parameter and response field of
the published swagger (trimmed copy in tests/owner/upstream/) is in ours, the 200 bodies have no
field the real service lacks, and each resource's attributes are the real serializers' fields in
their emitted order (rect.md §5; `app/serializers/api/` at 0fe31d1aa)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.owner.load import load_document
from sandbox.owner.operations import Operation, field_names, operations
from sandbox.owner.refs import resolve
from sandbox.owner.schemas import flatten
from tests.conftest import bearer
from tests.support.openapi import SPECS

UPSTREAM = Path(__file__).parents[1] / "owner" / "upstream" / "rect-v3.yaml"
REAL = operations(resolve(load_document(str(UPSTREAM)).data))
OURS = operations(resolve(load_document(str(SPECS / "rect.yaml")).data))
PAIRS = [(real, OURS.get((real.method, real.key[1].removeprefix("/api/v3")))) for real in REAL.values()]
LABELS = [real.label for real, _ in PAIRS]
# Ours only, documented as sandbox behaviour in the spec's description.
SANDBOX_PARAMETERS = {("header", "X-With-Server-Date")}

ENROLMENT = [
    "training_record_id", "email", "mentor_id", "school_urn", "participant_type", "cohort",
    "training_status", "participant_status", "eligible_for_funding", "pupil_premium_uplift",
    "sparsity_uplift", "schedule_identifier", "delivery_partner_id", "withdrawal", "deferral",
    "created_at", "induction_end_date", "most_recent_induction_period_end_date",
    "overall_induction_start_date", "mentor_funding_end_date", "cohort_changed_after_payments_frozen",
    "mentor_ineligible_for_funding_reason", "working_pattern",
]  # fmt: skip
SERIALIZERS = {
    "/participants/{id}": ["full_name", "teacher_reference_number", "updated_at", "ecf_enrolments",
                           "participant_id_changes"],
    "/participant-declarations/{id}": ["participant_id", "declaration_type", "course_identifier",
                                       "declaration_date", "mentor_id", "state", "updated_at", "created_at",
                                       "delivery_partner_id", "statement_id", "clawback_statement_id",
                                       "ineligible_for_funding_reason", "uplift_paid", "evidence_held",
                                       "lead_provider_name"],
    "/statements/{id}": ["month", "year", "cohort", "cut_off_date", "payment_date", "paid", "created_at",
                         "updated_at"],
    "/delivery-partners/{id}": ["name", "created_at", "updated_at", "cohort"],
    "/partnerships/{id}": ["cohort", "urn", "school_id", "delivery_partner_id", "delivery_partner_name",
                           "induction_tutor_name", "induction_tutor_email", "participants_currently_training",
                           "created_at", "updated_at"],
    "/schools/{id}": ["name", "urn", "cohort", "in_partnership", "induction_programme_choice",
                      "expression_of_interest", "induction_tutor_name", "induction_tutor_email", "created_at",
                      "updated_at"],
    "/participants/{id}/transfers": ["updated_at", "transfers"],
    "/unfunded-mentors/{id}": ["full_name", "email", "teacher_reference_number", "created_at", "updated_at"],
}  # fmt: skip
TRANSFER = ["training_record_id", "transfer_type", "status", "created_at", "leaving", "joining"]


def _fields(operation: Operation, status: str) -> set[str]:
    content = ((operation.spec.get("responses") or {}).get(status) or {}).get("content") or {}
    return set().union(set(), *(field_names(media.get("schema")) for media in content.values()))


def _attribute_schema(path: str) -> dict:
    data = flatten(OURS[("GET", path.replace("{id}", "{}"))].spec["responses"]["200"]["content"])
    schema = flatten(flatten(next(iter(data.values()))["schema"])["properties"]["data"])
    return flatten(schema["properties"]["attributes"])


def _attributes(path: str) -> list[str]:
    return list(_attribute_schema(path)["properties"])


def test_our_spec_has_every_real_operation():
    assert all(ours is not None for _, ours in PAIRS), [real.label for real, ours in PAIRS if ours is None]
    assert len(REAL) == 24


@pytest.mark.parametrize(("real", "ours"), PAIRS, ids=LABELS)
def test_every_real_status_parameter_and_field_is_ours(real: Operation, ours: Operation):
    assert set(real.parameters) <= set(ours.parameters)
    assert set(ours.parameters) - set(real.parameters) <= SANDBOX_PARAMETERS
    for status in real.spec["responses"]:
        assert status in ours.spec["responses"], status
        assert _fields(real, status) <= _fields(ours, status), status
    real_body, our_body = real.spec.get("requestBody"), ours.spec.get("requestBody")
    if real_body:
        wanted = set().union(*(field_names(m.get("schema")) for m in real_body["content"].values()))
        have = set().union(*(field_names(m.get("schema")) for m in our_body["content"].values()))
        assert wanted <= have


@pytest.mark.parametrize(("real", "ours"), PAIRS, ids=LABELS)
def test_a_200_body_has_no_field_the_real_service_lacks(real: Operation, ours: Operation):
    assert _fields(ours, "200") == _fields(real, "200")


@pytest.mark.parametrize("path", sorted(SERIALIZERS))
def test_attributes_are_the_real_serializers_in_their_order(path: str):
    assert _attributes(path) == SERIALIZERS[path]


@pytest.mark.parametrize(
    ("path", "name", "fields"),
    [
        ("/participants/{id}", "ecf_enrolments", ENROLMENT),
        ("/participants/{id}/transfers", "transfers", TRANSFER),
    ],
)
def test_list_items_are_the_real_serializers_in_their_order(path: str, name: str, fields: list[str]):
    items = flatten(flatten(_attribute_schema(path)["properties"][name])["items"])
    assert list(items["properties"]) == fields


@pytest.mark.parametrize("path", sorted(SERIALIZERS))
def test_served_attributes_come_in_the_real_order(client, first, path: str):
    listing = path.removesuffix("/{id}").replace("/{id}/transfers", "/transfers")
    query = {"filter[cohort]": "2024"} if listing == "/schools" else {}
    (item, *_) = client.get(f"/rect/api/v3{listing}", headers=bearer(first), params=query).json()["data"]
    assert list(item["attributes"]) == SERIALIZERS[path]
