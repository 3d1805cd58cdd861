"""Each kind of change, made alone to a small contract, is reported under exactly the expected
oasdiff check ids (and nothing else)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sandbox.owner.checks import LEVELS, checks
from sandbox.owner.diff import diff
from tests.owner.documents import JSON, base, document, listing, participant, withdraw, withdraw_body

Doc = dict[str, Any]


def _rename(doc: Doc) -> None:
    doc["paths"]["/participants"] = doc["paths"].pop("/participants/ecf")


def _drop_op(doc: Doc) -> None:
    del doc["paths"]["/participants/ecf/{id}/withdraw"]


def _deprecated_then_dropped(doc: Doc) -> tuple[Doc, Doc]:
    old = base()
    withdraw(old)["deprecated"] = True
    new = base()
    _drop_op(new)
    return old, new


def _new_param(required: bool) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        listing(doc)["parameters"].append(
            {"name": "q", "in": "query", "required": required, "schema": {"type": "string"}}
        )

    return change


def _set(path: Callable[[Doc], dict], key: str, value: Any) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        path(doc)[key] = value

    return change


def _delete(path: Callable[[Doc], dict], key: str) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        del path(doc)[key]

    return change


def _props(doc: Doc) -> dict:
    return participant(doc)["properties"]


def _filter(doc: Doc) -> dict:
    return listing(doc)["parameters"][0]["schema"]["properties"]


def _sort(doc: Doc) -> dict:
    return listing(doc)["parameters"][1]["schema"]


def _body_props(doc: Doc) -> dict:
    return withdraw_body(doc)["properties"]


def _add_required_body_prop(doc: Doc) -> None:
    _body_props(doc)["date"] = {"type": "string", "format": "date"}
    withdraw_body(doc)["required"].append("date")


def _make_required(doc: Doc) -> None:
    withdraw_body(doc)["required"].append("course_identifier")


def _error_body(doc: Doc) -> None:
    withdraw(doc)["responses"]["422"] = {
        "description": "",
        "content": {JSON: {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}},
    }


def _status_removed(status: str) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        del withdraw(doc)["responses"][status]

    return change


def _media_type(doc: Doc) -> None:
    response = withdraw(doc)["responses"]["200"]["content"]
    response["application/vnd.api+json"] = response.pop(JSON)


def _request_media_type(doc: Doc) -> None:
    content = withdraw(doc)["requestBody"]["content"]
    content["application/vnd.api+json"] = content.pop(JSON)


def _security_scheme(doc: Doc) -> None:
    scheme = {"type": "apiKey", "in": "header", "name": "Authorization"}
    doc["components"]["securitySchemes"]["bearerAuth"] = scheme


def _security_renamed(doc: Doc) -> None:
    doc["components"]["securitySchemes"] = {"api_key": {"type": "http", "scheme": "bearer"}}
    doc["security"] = [{"api_key": []}]


CASES: list[tuple[str, Callable[[Doc], None], set[str]]] = [
    ("path renamed", _rename, {"api-path-removed-without-deprecation", "endpoint-added"}),
    ("operation removed", _drop_op, {"api-path-removed-without-deprecation"}),
    ("required parameter added", _new_param(True), {"new-required-request-parameter"}),
    ("optional parameter added", _new_param(False), {"new-optional-request-parameter"}),
    ("parameter removed", lambda d: listing(d)["parameters"].pop(1), {"request-parameter-removed"}),
    (
        "parameter became required",
        _set(lambda d: listing(d)["parameters"][1], "required", True),
        {"request-parameter-became-required"},
    ),
    ("parameter type changed", _set(_sort, "type", "integer"), {"request-parameter-type-changed"}),
    ("parameter became an enum", _set(_sort, "enum", ["created_at"]), {"request-parameter-became-enum"}),
    ("filter key removed", _delete(_filter, "cohort"), {"request-parameter-removed"}),
    (
        "filter key added",
        _set(_filter, "updated_since", {"type": "string"}),
        {"new-optional-request-parameter"},
    ),
    (
        "filter key format added",
        _set(_filter, "cohort", {"type": "string", "format": "date"}),
        {"request-parameter-property-type-changed"},
    ),
    ("request property removed", _delete(_body_props, "course_identifier"), {"request-property-removed"}),
    ("required request property added", _add_required_body_prop, {"new-required-request-property"}),
    (
        "optional request property added",
        _set(_body_props, "note", {"type": "string"}),
        {"new-optional-request-property"},
    ),
    ("request property became required", _make_required, {"request-property-became-required"}),
    (
        "request enum value removed",
        _set(_body_props, "reason", {"type": "string", "enum": ["other"]}),
        {"request-property-enum-value-removed"},
    ),
    (
        "request enum value added",
        _set(_body_props, "reason", {"type": "string", "enum": ["moved-school", "other", "x"]}),
        {"request-property-enum-value-added"},
    ),
    (
        "request property type changed",
        _set(_body_props, "course_identifier", {"type": "integer"}),
        {"request-property-type-changed"},
    ),
    (
        "request body became optional",
        _set(lambda d: withdraw(d)["requestBody"], "required", False),
        {"request-body-became-optional"},
    ),
    ("request body removed", _delete(withdraw, "requestBody"), {"request-body-removed"}),
    (
        "request media type changed",
        _request_media_type,
        {"request-body-media-type-removed", "request-body-media-type-added"},
    ),
    (
        "required response property removed",
        _delete(_props, "full_name"),
        {"response-required-property-removed"},
    ),
    ("optional response property removed", _delete(_props, "cohort"), {"response-optional-property-removed"}),
    (
        "optional response property added",
        _set(_props, "mentor_id", {"type": "string"}),
        {"response-optional-property-added"},
    ),
    (
        "response enum value removed",
        _set(_props, "training_status", {"type": "string", "enum": ["active", "withdrawn"]}),
        {"response-property-enum-value-removed"},
    ),
    (
        "response enum value added",
        _set(
            _props, "training_status", {"type": "string", "enum": ["active", "deferred", "withdrawn", "left"]}
        ),
        {"response-property-enum-value-added"},
    ),
    (
        "response property became nullable",
        _set(_props, "cohort", {"type": "string", "nullable": True}),
        {"response-property-became-nullable"},
    ),
    (
        "response property type changed",
        _set(_props, "cohort", {"type": "integer"}),
        {"response-property-type-changed"},
    ),
    ("response format dropped", _set(_props, "id", {"type": "string"}), {"response-property-type-changed"}),
    (
        "response property became optional",
        _set(participant, "required", ["id", "full_name"]),
        {"response-property-became-optional"},
    ),
    (
        "error body changed",
        _error_body,
        {"response-required-property-removed", "response-optional-property-added"},
    ),
    ("success status removed", _status_removed("200"), {"response-success-status-removed"}),
    ("error status removed", _status_removed("422"), {"response-non-success-status-removed"}),
    (
        "response media type changed",
        _media_type,
        {"response-media-type-removed", "response-media-type-added"},
    ),
    ("security scheme type changed", _security_scheme, {"api-security-component-type-changed"}),
    (
        "security scheme renamed",
        _security_renamed,
        {
            "api-security-component-removed",
            "api-security-component-added",
            "api-global-security-removed",
            "api-global-security-added",
        },
    ),
]


def _request_became_not_nullable() -> tuple[Doc, Doc]:
    old, new = base(), base()
    withdraw_body(old)["properties"]["course_identifier"]["nullable"] = True
    return old, new


@pytest.mark.parametrize(("name", "change", "expected"), CASES, ids=[case[0] for case in CASES])
def test_each_change_has_its_check_id(name: str, change: Callable[[Doc], None], expected: set[str]) -> None:
    old, new = base(), base()
    change(new)
    found = {c.id for c in diff(document(old), document(new)).changes}
    assert found == expected


def test_an_unchanged_contract_has_no_changes() -> None:
    assert diff(document(base()), document(base())).changes == []


def test_request_property_that_became_not_nullable_is_breaking() -> None:
    old, new = _request_became_not_nullable()
    [found] = diff(document(old), document(new)).changes
    assert (found.id, found.level) == ("request-property-became-not-nullable", "error")


def test_a_nullable_value_that_became_one_of_with_a_nullable_branch_is_still_nullable() -> None:
    # The control API's cohort went from a nullable year to a year (nullable) or an identifier.
    old, new = _request_became_not_nullable()
    body = withdraw_body(new)["properties"]
    body["course_identifier"] = {"oneOf": [{"type": "string", "nullable": True}, {"type": "integer"}]}
    assert "request-property-became-not-nullable" not in {
        c.id for c in diff(document(old), document(new)).changes
    }
    body["course_identifier"] = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    assert "request-property-became-not-nullable" in {
        c.id for c in diff(document(old), document(new)).changes
    }


def test_removing_a_deprecated_operation_is_information_only() -> None:
    old, new = _deprecated_then_dropped(base())
    [found] = diff(document(old), document(new)).changes
    assert (found.id, found.level) == ("api-path-removed-with-deprecation", "info")


def test_a_renamed_path_is_named_and_its_own_changes_reported() -> None:
    old, new = base(), base()
    _rename(new)
    del new["components"]["schemas"]["Participant"]["properties"]["cohort"]
    changes = diff(document(old), document(new)).changes
    removal = next(c for c in changes if c.id == "api-path-removed-without-deprecation")
    assert removal.level == "error"
    assert removal.text.endswith("likely renamed to GET /participants")
    inside = [c for c in changes if c.operation == "GET /participants/ecf -> /participants"]
    assert [(c.id, c.location) for c in inside] == [
        ("response-optional-property-removed", "response 200: []/cohort")
    ]


def test_an_error_body_change_names_the_status() -> None:
    old, new = base(), base()
    _error_body(new)
    removed = next(c for c in diff(document(old), document(new)).changes if c.level == "error")
    assert (removed.operation, removed.location) == (
        "PUT /participants/ecf/{id}/withdraw",
        "response 422: errors",
    )


def test_levels_come_from_the_table_and_are_never_below_oasdiff() -> None:
    table = checks()
    assert all(LEVELS.index(c.level) >= LEVELS.index(c.oasdiff_level) for c in table.values())
    assert all(c.why for c in table.values() if c.level != c.oasdiff_level)
    old, new = base(), base()
    _delete(_props, "cohort")(new)
    levels = {c.level for c in diff(document(old), document(new)).changes}
    assert levels == {table["response-optional-property-removed"].level} == {"warning"}
