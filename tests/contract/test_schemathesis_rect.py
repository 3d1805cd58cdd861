"""Schemathesis over every write of the RECT API (/rect/api/v3), one by one and then chained statefully
with its reads, against a world of its own, as a provider with an ECF side (the reads alone run in
test_schemathesis_reads.py against the shared world).

Random ids only ever reach a 404 or the body checks, so three in four of the generated ids (in the path and in
the request attributes) are swapped for ids of the seeded world, and of the other attributes for
words the service knows: the business rules and the 200 bodies get fuzzed too."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import strategies as st
from openapi_schema_validator import OAS30Validator
from starlette.testclient import TestClient

from sandbox.app import create_app
from tests.conftest import TEST_PARTICIPANTS, bearer, make_state
from tests.contract.conftest import TOKEN
from tests.support.fuzzing import FUZZ, STATEFUL
from tests.support.openapi import document

STATE = make_state()
APP = create_app(state=STATE)
# A provider with an ECF side: its token is known to RECT.
PROVIDER = next(p for p in STATE.store.lead_providers.values() if p.has_ecf)
# Examples are generated at collection, with the token known by then.
TOKEN["token"] = PROVIDER.token
SCHEMA = schemathesis.openapi.from_asgi("/rect/api/v3/openapi.json", APP)


def _ids(path: str, **query: str) -> list[str]:
    with TestClient(APP) as client:
        answer = client.get(
            f"/rect/api/v3{path}", headers=bearer(PROVIDER), params={"page[per_page]": "30", **query}
        )
    return [item["id"] for item in answer.json()["data"]]


# The seed is fixed and every chain starts from a reset, so these ids name the same records every time.
WORLD = {
    "participants": _ids("/participants"),
    "participant-declarations": _ids("/participant-declarations"),
    "partnerships": _ids("/partnerships"),
    "schools": [id_ for year in ("2024", "2025") for id_ in _ids("/schools", **{"filter[cohort]": year})],
    "delivery-partners": _ids("/delivery-partners"),
    "statements": _ids("/statements"),
    "unfunded-mentors": _ids("/unfunded-mentors"),
}
ATTRIBUTE_SOURCES = {
    "participant_id": "participants",
    "school_id": "schools",
    "delivery_partner_id": "delivery-partners",
}
# Words the service knows, for the attributes the spec leaves untyped (rect.md §4.4).
WORDS = {
    "course_identifier": ["ecf-induction", "ecf-mentor"],
    "reason": ["left-teaching-profession", "moved-school", "other", "bereavement", "parental-leave"],
    "schedule_identifier": ["ecf-standard-september", "ecf-extended-january", "ecf-reduced-april"],
    "declaration_type": ["started", "retained-1", "retained-2", "completed"],
    "declaration_date": ["2025-06-02T10:00:00Z", "2026-01-05T10:00:00Z"],
    "evidence_held": ["training-event-attended", "75-percent-engagement-met", "other"],
    "cohort": ["2024", "2025", "2026"],
}


def _mostly(value: Any, known: list[str]) -> st.SearchStrategy:
    """The generated value one time in four, else a known one."""
    if not known:
        return st.just(value)
    return st.integers(0, 3).flatmap(lambda n: st.just(value) if n == 0 else st.sampled_from(known))


def _or_seeded(value: Any, source: str) -> st.SearchStrategy:
    return _mostly(value, WORLD.get(source, []))


@SCHEMA.hook
def flatmap_path_parameters(context, path_parameters: dict[str, Any]) -> st.SearchStrategy:
    if not path_parameters or "id" not in path_parameters:
        return st.just(path_parameters)
    source = context.operation.path.strip("/").split("/")[0]
    return _or_seeded(path_parameters["id"], source).map(lambda id_: {**path_parameters, "id": id_})


# The attributes each write reads (rect.md §2), by the last literal segment of its path.
READS = {
    "withdraw": ("reason", "course_identifier"),
    "defer": ("reason", "course_identifier"),
    "resume": ("course_identifier",),
    "change-schedule": ("schedule_identifier", "course_identifier", "cohort"),
    "participant-declarations": (
        "participant_id",
        "declaration_type",
        "declaration_date",
        "course_identifier",
        "evidence_held",
    ),
    "partnerships": ("cohort", "school_id", "delivery_partner_id"),
    "{id}": ("delivery_partner_id",),
}
ABSENT = object()


def _known(name: str) -> list[str]:
    return WORLD[ATTRIBUTE_SOURCES[name]] if name in ATTRIBUTE_SOURCES else WORDS[name]


def _resolved(rect: dict, node: dict) -> dict:
    """`node`, or what its local `$ref` points at."""
    while "$ref" in node:
        target: Any = rect
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _meets_spec(method: str, path: str, body: Any) -> bool:
    """Whether `body` is a valid request body of the operation: a negative case must stay negative, or
    filling in known values would turn it into a valid request the server rightly accepts."""
    rect = document("rect")
    request = _resolved(rect, rect["paths"][path][method.lower()]["requestBody"])
    schema = request["content"]["application/json"]["schema"]
    return OAS30Validator({**schema, "components": rect["components"]}).is_valid(body)


@SCHEMA.hook
def flatmap_body(context, body: Any) -> st.SearchStrategy:
    if not _meets_spec(context.operation.method, context.operation.path, body):
        return st.just(body)
    data = body.get("data") if isinstance(body, dict) else None
    attributes = data.get("attributes") if isinstance(data, dict) else None
    if not isinstance(attributes, dict):
        return st.just(body)
    names = READS.get(context.operation.path.rstrip("/").split("/")[-1], ())
    # Each attribute the write reads: mostly a known value, else the generated one (or none).
    chosen = st.fixed_dictionaries(
        {name: _mostly(attributes.get(name, ABSENT), _known(name)) for name in names}
    )

    def merged(new: dict[str, Any]) -> dict[str, Any]:
        kept = {k: v for k, v in {**attributes, **new}.items() if v is not ABSENT}
        return {**body, "data": {**data, "attributes": kept}}

    return chosen.map(merged)


def _authenticate() -> None:
    TOKEN["token"] = PROVIDER.token


@SCHEMA.exclude(method="GET").parametrize()
@FUZZ
def test_rect_writes_honour_the_spec(case):
    _authenticate()
    case.call_and_validate()


class Chained(SCHEMA.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        # Every chain starts from the seeded world, so no run depends on what an earlier one did.
        STATE.reset(seed=1, participants=TEST_PARTICIPANTS)
        _authenticate()


TestRECTStateful = Chained.TestCase
TestRECTStateful.settings = STATEFUL
