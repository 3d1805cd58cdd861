"""Static checks of our OpenAPI documents (sandbox/specs/v1.yaml, v2.yaml, v3.yaml); no HTTP."""

import re

import pytest
import yaml
from openapi_spec_validator import validate

from sandbox.resources import specs_dir
from sandbox.specs import build

SPECS = specs_dir()
METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}

EXPECTED = {
    "v1": """
        GET /api/v1/participants/ecf
        GET /api/v1/participants/ecf.csv
        GET /api/v1/participants
        GET /api/v1/participants.csv
        GET /api/v1/participants/ecf/{id}
        PUT /api/v1/participants/ecf/{id}/withdraw
        PUT /api/v1/participants/ecf/{id}/defer
        PUT /api/v1/participants/ecf/{id}/resume
        PUT /api/v1/participants/ecf/{id}/change-schedule
        PUT /api/v1/participants/{id}/withdraw
        PUT /api/v1/participants/{id}/defer
        PUT /api/v1/participants/{id}/resume
        PUT /api/v1/participants/{id}/change-schedule
        GET /api/v1/participant-declarations
        POST /api/v1/participant-declarations
        GET /api/v1/participant-declarations.csv
        GET /api/v1/participant-declarations/{id}
        PUT /api/v1/participant-declarations/{id}/void
        GET /api/v1/npq-applications
        GET /api/v1/npq-applications.csv
        GET /api/v1/npq-applications/{id}
        POST /api/v1/npq-applications/{id}/accept
        POST /api/v1/npq-applications/{id}/reject
        PUT /api/v1/npq-applications/{id}/change-funded-place
        GET /api/v1/participants/npq
        GET /api/v1/participants/npq/{id}
        PUT /api/v1/participants/npq/{id}/withdraw
        PUT /api/v1/participants/npq/{id}/defer
        PUT /api/v1/participants/npq/{id}/resume
        PUT /api/v1/participants/npq/{id}/change-schedule
        GET /api/v1/participants/npq/outcomes
        GET /api/v1/participants/npq/{participant_id}/outcomes
        POST /api/v1/participants/npq/{participant_id}/outcomes
    """,
    "v2": """
        GET /api/v2/participants/ecf
        GET /api/v2/participants/ecf.csv
        GET /api/v2/participants
        GET /api/v2/participants.csv
        GET /api/v2/participants/ecf/{id}
        PUT /api/v2/participants/ecf/{id}/withdraw
        PUT /api/v2/participants/ecf/{id}/defer
        PUT /api/v2/participants/ecf/{id}/resume
        PUT /api/v2/participants/ecf/{id}/change-schedule
        GET /api/v2/participant-declarations
        POST /api/v2/participant-declarations
        GET /api/v2/participant-declarations.csv
        GET /api/v2/participant-declarations/{id}
        PUT /api/v2/participant-declarations/{id}/void
        GET /api/v2/npq-applications
        GET /api/v2/npq-applications.csv
        GET /api/v2/npq-applications/{id}
        POST /api/v2/npq-applications/{id}/accept
        POST /api/v2/npq-applications/{id}/reject
        PUT /api/v2/npq-applications/{id}/change-funded-place
        GET /api/v2/npq-enrolments.csv
        GET /api/v2/participants/npq
        GET /api/v2/participants/npq/{id}
        PUT /api/v2/participants/npq/{id}/withdraw
        PUT /api/v2/participants/npq/{id}/defer
        PUT /api/v2/participants/npq/{id}/resume
        PUT /api/v2/participants/npq/{id}/change-schedule
        GET /api/v2/participants/npq/outcomes
        GET /api/v2/participants/npq/{participant_id}/outcomes
        POST /api/v2/participants/npq/{participant_id}/outcomes
    """,
    "v3": """
        GET /api/v3/participants/ecf
        GET /api/v3/participants/ecf/{id}
        PUT /api/v3/participants/ecf/{id}/withdraw
        PUT /api/v3/participants/ecf/{id}/defer
        PUT /api/v3/participants/ecf/{id}/resume
        PUT /api/v3/participants/ecf/{id}/change-schedule
        GET /api/v3/participants/ecf/transfers
        GET /api/v3/participants/ecf/{id}/transfers
        GET /api/v3/participant-declarations
        POST /api/v3/participant-declarations
        GET /api/v3/participant-declarations/{id}
        PUT /api/v3/participant-declarations/{id}/void
        GET /api/v3/npq-applications
        GET /api/v3/npq-applications/{id}
        POST /api/v3/npq-applications/{id}/accept
        POST /api/v3/npq-applications/{id}/reject
        PUT /api/v3/npq-applications/{id}/change-funded-place
        GET /api/v3/participants/npq
        GET /api/v3/participants/npq/{id}
        PUT /api/v3/participants/npq/{id}/withdraw
        PUT /api/v3/participants/npq/{id}/defer
        PUT /api/v3/participants/npq/{id}/resume
        PUT /api/v3/participants/npq/{id}/change-schedule
        GET /api/v3/participants/npq/outcomes
        GET /api/v3/participants/npq/{participant_id}/outcomes
        POST /api/v3/participants/npq/{participant_id}/outcomes
        GET /api/v3/statements
        GET /api/v3/statements/{id}
        GET /api/v3/partnerships/ecf
        POST /api/v3/partnerships/ecf
        GET /api/v3/partnerships/ecf/{id}
        PUT /api/v3/partnerships/ecf/{id}
        GET /api/v3/schools/ecf
        GET /api/v3/schools/ecf/{id}
        GET /api/v3/delivery-partners
        GET /api/v3/delivery-partners/{id}
        GET /api/v3/unfunded-mentors/ecf
        GET /api/v3/unfunded-mentors/ecf/{id}
    """,
}


@pytest.fixture(params=sorted(EXPECTED))
def version(request):
    return request.param


@pytest.fixture
def spec(version):
    # A missing document is a failure, not a skip: every version must stay documented.
    return yaml.safe_load((SPECS / f"{version}.yaml").read_text())


def deref(spec, node):
    """Follow local `$ref`s (#/components/...) until a concrete object is reached."""
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


def test_document_is_valid_openapi(spec):
    validate(spec)


def test_operations_match_the_expected_list(spec, version):
    base = spec["servers"][0]["url"]
    assert base == f"/api/{version}"
    found = {(method, base + path) for method, path, _ in operations(spec)}
    expected = {tuple(line.split()) for line in EXPECTED[version].strip().splitlines()}
    assert sorted(found) == sorted(expected)


def test_operation_ids_are_unique_module_dot_function(spec):
    ids = [operation.get("operationId", "") for _, _, operation in operations(spec)]
    assert len(ids) == len(set(ids)), "duplicate operationIds"
    assert [i for i in ids if not re.fullmatch(r"[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*", i)] == []


def test_operations_document_their_error_statuses(spec):
    missing = []
    for method, path, operation in operations(spec):
        needed = {"401"}
        if "{" in path:
            needed.add("404")
        if "requestBody" in operation:
            needed |= {"400", "415", "422"}
        if gaps := needed - set(operation["responses"]):
            missing.append((method, path, sorted(gaps)))
    assert missing == []


def test_json_responses_use_the_json_api_media_type(spec):
    wrong = []
    for method, path, operation in operations(spec):
        for status, response in operation["responses"].items():
            for media_type in deref(spec, response).get("content", {}):
                if "json" in media_type and media_type != "application/vnd.api+json":
                    wrong.append((method, path, status, media_type))
    assert wrong == []


def test_served_documents_are_built_from_their_sources(version):
    # Edit sandbox/specs/src/ and run `python -m sandbox.specs.build`; never the served files.
    assert (SPECS / f"{version}.yaml").read_text() == build.render(version)


def test_build_refuses_a_component_defined_twice(monkeypatch):
    fragments = {"a.yaml": {"components": {"schemas": {"X": {"type": "string"}}}}}
    fragments["b.yaml"] = fragments["a.yaml"]
    monkeypatch.setattr(build, "load", fragments.__getitem__)
    monkeypatch.setitem(build.DOCUMENTS, "vx", ("a.yaml", "b.yaml"))
    with pytest.raises(build.SpecBuildError, match="defined twice"):
        build.assemble("vx")


def test_build_refuses_a_dangling_reference_and_an_unused_component(monkeypatch):
    dangling = {"paths": {"/x": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nothing"}}}}}}
    unused = {"paths": {}, "components": {"schemas": {"Orphan": {"type": "string"}}}}
    monkeypatch.setattr(build, "load", {"dangling.yaml": dangling, "unused.yaml": unused}.__getitem__)
    monkeypatch.setitem(build.DOCUMENTS, "vx", ("dangling.yaml",))
    with pytest.raises(build.SpecBuildError, match="reference to nothing"):
        build.assemble("vx")
    monkeypatch.setitem(build.DOCUMENTS, "vx", ("unused.yaml",))
    with pytest.raises(build.SpecBuildError, match="nothing uses"):
        build.assemble("vx")


def _open_objects(spec, node, where, seen):
    """Object schemas under `node` (refs followed) that allow properties they do not list."""
    if isinstance(node, dict) and "$ref" in node:
        if node["$ref"] in seen:
            return
        seen.add(node["$ref"])
        yield from _open_objects(spec, deref(spec, node), node["$ref"], seen)
    elif isinstance(node, dict):
        is_object = node.get("type") == "object" or "properties" in node
        if is_object and node.get("additionalProperties") is not False:
            yield where
        for key, value in node.items():
            yield from _open_objects(spec, value, f"{where}/{key}", seen)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _open_objects(spec, value, f"{where}/{index}", seen)


def test_every_response_object_is_closed(spec):
    # A field that leaks into the wrong version must fail response validation in the API tests.
    seen = set()
    found = {
        where
        for method, path, operation in operations(spec)
        for where in _open_objects(spec, operation["responses"], f"{method} {path}", seen)
    }
    assert sorted(found) == []
