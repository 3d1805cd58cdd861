"""The journal's parts without HTTP: the bounded log, token masking, the rulebook table, the go-live
checklist's matching (both sides of each kind of item), and a response verdict that fails."""

from __future__ import annotations

import importlib
import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from sandbox.domain.declarations import void
from sandbox.domain.errors import InvalidAction, NotFound, ValidationFailed
from sandbox.domain.rulebook import BY_MODULE, refusal_of
from sandbox.requests_journal.golive import CHECKLIST, evidence
from sandbox.requests_journal.log import Exchange, RequestLog, mask_token
from sandbox.requests_journal.setup import lead_provider_apis
from sandbox.requests_journal.verdicts import verdicts_of

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def exchange(
    number: int, method: str = "GET", path: str = "/api/v3/statements", status: int = 200, **more
) -> Exchange:
    values = {
        "started_at": NOW,
        "provider_time": NOW,
        "lead_provider_id": "p1",
        "api": "/api/v3",
        "contract": "v3",
        "version": "v3",
        "query": "",
        "request_headers": [("authorization", "Bearer ***abcd")],
        "request_body": b"",
        **more,
    }
    return Exchange(id=number, method=method, path=path, status=status, **values)


def test_the_log_drops_the_oldest_when_full():
    log = RequestLog(lead_provider_apis(), size=2)
    for number in (1, 2, 3):
        log.add(exchange(number))
    assert [e.id for e in log.oldest_first()] == [2, 3]
    assert log.get(1) is None and log.get(3) is not None
    assert log.remove([log.get(2)]) == 1 and len(log) == 1
    with pytest.raises(ValueError):
        RequestLog(lead_provider_apis(), size=0)


def test_the_log_drops_the_oldest_past_its_byte_budget():
    log = RequestLog(lead_provider_apis(), size=10, max_bytes=250)
    for number in (1, 2, 3):
        log.add(exchange(number, response_body=b"x" * 100))
    assert [e.id for e in log.oldest_first()] == [2, 3]
    log.add(exchange(4, response_body=b"x" * 1000))  # bigger than the budget: it alone is kept
    assert [e.id for e in log.oldest_first()] == [4]


def test_tokens_are_masked_to_their_last_characters():
    assert mask_token("Bearer 0123456789abcdef") == "Bearer ***cdef"
    assert mask_token("Bearer short") == "Bearer ***"
    assert mask_token("garbage") == "***"


def test_every_module_the_rulebook_names_exists():
    for name in BY_MODULE:
        importlib.import_module(name)


def test_a_refusal_is_named_by_the_innermost_rule_module_else_by_its_class():
    voided = SimpleNamespace(state="voided")
    with pytest.raises(InvalidAction) as raised:
        void._void(voided, NOW)  # the void rules' own refusal of a second void
    refusal = refusal_of(raised.value)
    assert (refusal.error, refusal.section.number) == ("InvalidAction", "4.5")
    assert refusal_of(NotFound("x")).section.number == "1.1"
    assert refusal_of(ValidationFailed.single("a", "b")).as_dict() == {
        "error": "ValidationFailed",
        "rulebook_section": None,
        "rulebook_title": None,
    }


def declaration(number: int, status: int, participant: str, kind: str = "started") -> Exchange:
    payload = {"data": {"attributes": {"participant_id": participant, "declaration_type": kind}}}
    return exchange(
        number, "POST", "/api/v3/participant-declarations", status, request_body=json.dumps(payload).encode()
    )


ITEMS = {item.id: item for item in CHECKLIST}


def test_a_refusal_counts_as_corrected_only_by_a_later_acceptance_for_the_same_participant():
    item = ITEMS["refused_then_corrected"]
    assert evidence(item, [declaration(1, 200, "a"), declaration(2, 422, "a")]) == []
    assert evidence(item, [declaration(1, 422, "a"), declaration(2, 200, "b")]) == []
    assert evidence(item, [declaration(1, 422, "a"), declaration(2, 200, "b"), declaration(3, 200, "a")]) == [
        1,
        3,
    ]


def test_withdraw_then_resume_needs_the_same_participant_in_that_order():
    item = ITEMS["withdraw_then_resume"]
    withdraw = exchange(1, "PUT", "/api/v3/participants/ecf/u1/withdraw")
    resume_other = exchange(2, "PUT", "/api/v3/participants/ecf/u2/resume")
    resume = exchange(3, "PUT", "/api/v1/participants/u1/resume")
    assert evidence(item, [resume, withdraw]) == []
    assert evidence(item, [withdraw, resume_other]) == []
    assert evidence(item, [withdraw, resume_other, resume]) == [1, 3]


def test_a_full_sync_is_shown_only_by_a_page_past_the_end():
    item = ITEMS["full_sync"]
    full = exchange(
        1, path="/api/v3/participants/ecf", query="page%5Bpage%5D=9", response_body=b'{"data":[]}'
    )
    partial = exchange(
        2, path="/api/v3/participants/ecf", query="page%5Bpage%5D=1", response_body=b'{"data":[{}]}'
    )
    unpaged = exchange(3, path="/api/v3/participants/ecf", response_body=b'{"data":[]}')
    assert evidence(item, [partial, unpaged]) == []
    assert evidence(item, [partial, full]) == [1]


def test_a_void_and_an_updated_since_sync_need_a_success():
    assert evidence(ITEMS["void"], [exchange(1, "PUT", "/api/v3/participant-declarations/d/void", 422)]) == []
    assert evidence(ITEMS["void"], [exchange(2, "PUT", "/api/v3/participant-declarations/d/void")]) == [2]
    synced = exchange(
        3, path="/api/v2/participant-declarations", query="filter%5Bupdated_since%5D=2026-01-01T00%3A00%3A00Z"
    )
    assert evidence(ITEMS["updated_since_sync"], [synced]) == [3]
    assert evidence(ITEMS["updated_since_sync"], [exchange(4, path="/api/v2/participant-declarations")]) == []


def test_a_response_that_breaks_the_spec_gets_a_failing_verdict():
    broken = exchange(
        1,
        path="/api/v3/statements",
        response_headers=[("content-type", "application/vnd.api+json")],
        response_body=b'{"data": "not a list"}',
    )
    log = RequestLog(lead_provider_apis())
    verdicts = verdicts_of(broken, log.spec_of(broken))
    assert verdicts["request"]["conforms"] is True
    assert verdicts["response"]["conforms"] is False
    assert verdicts["response"]["problems"][0]["where"] == "body"
    assert verdicts_of(broken, log.spec_of(broken)) is verdicts  # computed once
