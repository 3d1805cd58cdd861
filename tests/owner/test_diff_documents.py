"""`diff` on real documents: our own three generations, and the real services' published contracts
(trimmed copies in tests/owner/upstream/, see its README)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.owner.diff import Diff, diff
from sandbox.owner.load import LoadError, load_document
from sandbox.resources import spec_path

UPSTREAM = Path(__file__).parent / "upstream"


def _diff(old: str | Path, new: str | Path) -> Diff:
    return diff(load_document(str(old)), load_document(str(new)))


def _found(result: Diff, level: str = "error") -> set[tuple[str, str, str]]:
    return {(c.id, c.operation, c.location) for c in result.changes if c.level == level}


def test_v1_to_v2_drops_the_legacy_participant_actions_and_declaration_fields() -> None:
    result = _diff(spec_path("v1"), spec_path("v2"))
    errors = _found(result)
    for action in ("withdraw", "defer", "resume", "change-schedule"):
        operation = f"PUT /participants/{{id}}/{action}"
        assert ("api-path-removed-without-deprecation", operation, "paths") in errors
    assert (
        "response-required-property-removed",
        "GET /participant-declarations/{id}",
        "response 200: data/attributes/voided",
    ) in errors
    assert not result.old.lenient and not result.new.lenient


def test_v2_to_v3_drops_the_csvs_and_moves_ecf_fields_into_enrolments() -> None:
    result = _diff(spec_path("v2"), spec_path("v3"))
    errors = _found(result)
    for csv in ("/participants/ecf.csv", "/participant-declarations.csv", "/npq-applications.csv"):
        assert ("api-path-removed-without-deprecation", f"GET {csv}", "paths") in errors
    for field in ("training_status", "cohort", "email", "schedule_identifier"):
        location = f"response 200: data/attributes/{field}"
        assert ("response-required-property-removed", "GET /participants/ecf/{id}", location) in errors
    added = _found(result, "info")
    assert ("endpoint-added", "GET /statements", "paths") in added
    assert (
        "response-required-property-added",
        "GET /participants/ecf/{id}",
        "response 200: data/attributes/ecf_enrolments",
    ) in added


def test_a_document_against_itself_has_no_changes() -> None:
    assert _diff(spec_path("v3"), spec_path("v3")).changes == []


def test_ecf_v3_to_rect_names_every_renamed_path() -> None:
    result = _diff(UPSTREAM / "ecf-v3.json", UPSTREAM / "rect-v3.yaml")
    renamed = {
        c.operation: c.text.rsplit("likely renamed to ", 1)[1]
        for c in result.changes
        if "likely renamed to" in c.text
    }
    assert renamed["GET /api/v3/participants/ecf"] == "GET /api/v3/participants"
    assert renamed["PUT /api/v3/participants/ecf/{id}/withdraw"] == "PUT /api/v3/participants/{id}/withdraw"
    assert renamed["GET /api/v3/partnerships/ecf/{id}"] == "GET /api/v3/partnerships/{id}"
    assert renamed["GET /api/v3/participants/ecf/transfers"] == "GET /api/v3/participants/transfers"
    assert all(c.level == "error" for c in result.changes if "likely renamed to" in c.text)


def test_ecf_v3_to_rect_reports_what_changed_inside_renamed_operations() -> None:
    errors = _found(_diff(UPSTREAM / "ecf-v3.json", UPSTREAM / "rect-v3.yaml"))
    operation = "GET /api/v3/participants/ecf/{id} -> /api/v3/participants/{id}"
    assert (
        "response-property-became-nullable",
        operation,
        "response 200: data/attributes/teacher_reference_number",
    ) in errors
    assert (
        "response-property-became-optional",
        operation,
        "response 200: data/attributes/full_name",
    ) in errors


def test_ecf_v3_to_rect_reports_removed_ecf_only_operations_and_the_new_auth_scheme() -> None:
    result = _diff(UPSTREAM / "ecf-v3.json", UPSTREAM / "rect-v3.yaml")
    ids = {(c.id, c.operation) for c in result.changes}
    assert ("api-security-component-removed", "(whole API)") in ids
    assert ("api-security-component-added", "(whole API)") in ids


def test_documents_with_boolean_required_are_read_and_the_leniency_reported() -> None:
    result = _diff(UPSTREAM / "ecf-v2.json", UPSTREAM / "npq-v3.yaml")
    for document in (result.old, result.new):
        assert len(document.lenient) == 1
        assert document.lenient[0].startswith("boolean `required` inside a property")
    assert not load_document(str(UPSTREAM / "rect-v3.yaml")).lenient


def test_a_boolean_required_is_moved_to_its_object() -> None:
    document = load_document(str(UPSTREAM / "ecf-v2.json"))
    attributes = document.data["components"]["schemas"]["ECFParticipantAttributes"]
    assert "teacher_reference_number" not in attributes["required"]  # it said `required: false`
    assert "required" not in attributes["properties"]["teacher_reference_number"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("swagger: '2.0'\npaths: {}\n", "Swagger 2.0"),
        ("just: [text\n", "neither JSON nor YAML"),
        ("openapi: 3.0.3\npaths: []\n", "`paths` is not a mapping"),
    ],
)
def test_what_cannot_be_compared_is_refused_clearly(tmp_path: Path, content: str, message: str) -> None:
    source = tmp_path / "doc.yaml"
    source.write_text(content)
    with pytest.raises(LoadError, match=message):
        load_document(str(source))


def test_a_missing_file_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read"):
        load_document(str(tmp_path / "absent.yaml"))
