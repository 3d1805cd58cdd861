"""Declarations through RECT (rect.md §6.2, §6.3, §3.3): every refusal with its exact text and title, in
RECT's order; London day boundaries; the 2025 sequence and evidence rules; no `ineligible`; void and
clawback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sandbox.domain.declarations import rect_rules as rect
from sandbox.domain.declarations import rect_void
from sandbox.domain.declarations.input import DeclarationRequest
from sandbox.domain.declarations.reads import DeclarationScope
from sandbox.domain.errors import InvalidAction, NotFound, ValidationFailed
from sandbox.domain.finance.statements import next_output_statement
from sandbox.domain.messages import COURSE_NOT_RECOGNISED, PARTICIPANT_NOT_RECOGNISED
from sandbox.domain.participants.visibility import period_status
from sandbox.domain.world.registration import (
    add_partnership,
    add_provider_relationship,
    record_eligibility,
    record_training_status,
)
from tests.domain.ecf_world import BUILT, NOW, Enrolled, World, at, build, snapshot

LONDON = ZoneInfo("Europe/London")
RECT_SCOPE = DeclarationScope(side="ecf", hidden_states=("ineligible",))


@pytest.fixture
def world() -> World:
    w = build()
    for year in (2025, 2026):
        add_provider_relationship(
            w.store, lead_provider_id=w.provider.id, delivery_partner_id=w.delivery_partner_id, cohort=year
        )
        w.partnerships[(w.provider.id, year)] = add_partnership(
            w.store,
            lead_provider_id=w.provider.id,
            school_id=w.school.id,
            delivery_partner_id=w.delivery_partner_id,
            cohort=year,
            now=BUILT,
        )
    return w


def request(who: Enrolled | None, **attrs) -> DeclarationRequest:
    course = "ecf-induction" if who is None or who.profile.participant_type == "ect" else "ecf-mentor"
    base = {
        "participant_id": who.user_id if who else None,
        "course_identifier": course,
        "declaration_type": "started",
        "declaration_date": "2023-10-01T10:00:00Z",
        "evidence_held": "training-event-attended",
    }
    return DeclarationRequest.from_attributes({**base, **attrs})


def refusals(world: World, req: DeclarationRequest, now: datetime = NOW) -> dict[str, list[str]]:
    before = snapshot(world.store)
    with pytest.raises(ValidationFailed) as raised:
        rect.submit_declaration(world.store, world.provider, req, now, LONDON)
    assert snapshot(world.store) == before
    return raised.value.errors


def submit(world: World, req: DeclarationRequest, now: datetime = NOW):
    return rect.submit_declaration(world.store, world.provider, req, now, LONDON)


def eligible(world: World, who: Enrolled) -> None:
    record_eligibility(world.store, profile_id=who.profile.id, eligibility="eligible", now=BUILT)


# -- who and what ------------------------------------------------------------------------------------


def test_the_participant_must_be_named_and_known(world):
    assert refusals(world, request(None, participant_id="")) == {
        "participant_id": ["Enter a '#/participant_id'."]
    }
    assert refusals(world, request(None, participant_id="nobody")) == {
        "participant_id": [PARTICIPANT_NOT_RECOGNISED]
    }


def test_a_missing_or_unknown_course_asks_for_one(world):
    ect = world.enrol(2023)
    for course in ("", "npq-headship"):
        assert refusals(world, request(ect, course_identifier=course)) == {
            "course_identifier": ["Enter a '#/course_identifier'."]
        }


def test_a_role_the_provider_does_not_train_them_in_is_not_recognised(world):
    ect = world.enrol(2023)
    assert refusals(world, request(ect, course_identifier="ecf-mentor")) == {
        "course_identifier": [COURSE_NOT_RECOGNISED]
    }


def test_someone_only_another_provider_trains_is_not_recognised(world):
    theirs = world.enrol(2023, provider=world.other)
    assert refusals(world, request(theirs)) == {"participant_id": [PARTICIPANT_NOT_RECOGNISED]}


def test_date_and_type_presence_and_type_values(world):
    ect = world.enrol(2023)
    assert refusals(world, request(ect, declaration_date="")) == {
        "declaration_date": ["Enter a '#/declaration_date'."]
    }
    assert refusals(world, request(ect, declaration_type="")) == {
        "declaration_type": ["Enter a '#/declaration_type'."]
    }
    assert refusals(world, request(ect, declaration_type="retained-9")) == {
        "declaration_type": ["Enter a valid declaration type."]
    }


# -- dates -------------------------------------------------------------------------------------------


def test_a_future_date_and_a_date_without_a_time_are_refused(world):
    ect = world.enrol(2023)
    assert refusals(world, request(ect, declaration_date="2027-01-01T10:00:00Z")) == {
        "declaration_date": [rect.DATE_IN_FUTURE]
    }
    assert refusals(world, request(ect, declaration_date="2023-10-01")) == {
        "declaration_date": ["Enter a valid RCF3339 '#/declaration_date'."]
    }


def test_milestone_windows_begin_and_end_at_london_midnight(world):
    ect = world.enrol(2023)  # started: 2023-06-01 .. 2023-12-31
    # 00:30 BST on 1 June is 31 May in UTC, but 1 June in London: accepted.
    submit(world, request(ect, declaration_date="2023-06-01T00:30:00+01:00"))
    other = world.enrol(2023)
    assert refusals(world, request(other, declaration_date="2023-05-31T22:59:00Z")) == {
        "declaration_date": [rect.BEFORE_MILESTONE]
    }
    assert refusals(world, request(other, declaration_date="2024-01-01T00:00:00Z")) == {
        "declaration_date": [rect.AFTER_MILESTONE]
    }


def test_a_duplicate_is_refused_under_declaration_type_with_a_full_stop(world):
    ect = world.enrol(2023)
    world.declare(ect, "started", at("2023-09-10T10:00:00"))
    assert refusals(world, request(ect)) == {
        "declaration_type": [
            "A declaration has already been submitted that will be, or has been, paid for this event."
        ]
    }


def test_2025_declarations_follow_each_other_in_date_order(world):
    ect = world.enrol(2025)
    world.declare(ect, "retained-1", at("2025-11-01T10:00:00"))
    early = request(ect, declaration_date="2025-11-02T10:00:00Z", declaration_type="started")
    assert refusals(world, early) == {"declaration_date": [rect.OUT_OF_SEQUENCE]}
    submit(world, request(ect, declaration_date="2025-11-01T10:00:00Z", declaration_type="started"))
    late = request(ect, declaration_date="2025-10-31T10:00:00Z", declaration_type="retained-2")
    late = request(ect, declaration_date="2025-10-31T10:00:00Z", declaration_type="retained-2",
                   evidence_held="75-percent-engagement-met")  # fmt: skip
    assert refusals(world, late) == {"declaration_date": [rect.OUT_OF_SEQUENCE]}


def test_before_2025_the_order_of_dates_is_free(world):
    ect = world.enrol(2023)
    world.declare(ect, "retained-1", at("2024-02-01T10:00:00"))
    assert submit(world, request(ect, declaration_date="2023-10-01T10:00:00Z")).declaration_type == "started"


# -- evidence and mentors ----------------------------------------------------------------------------


def test_evidence_before_2025(world):
    ect = world.enrol(2023)
    retained = {"declaration_type": "retained-1", "declaration_date": "2024-02-01T10:00:00Z"}
    assert refusals(world, request(ect, **retained, evidence_held=None)) == {
        "evidence_held": ["Enter a '#/evidence_held' value for this participant."]
    }
    assert refusals(world, request(ect, **retained, evidence_held="75-percent-engagement-met")) == {
        "evidence_held": ["Enter an available '#/evidence_held' type for this participant."]
    }
    # A 2021-2024 `started` takes any evidence and keeps none.
    assert submit(world, request(ect, evidence_held="a-diary")).evidence_held is None


def test_from_2025_every_type_needs_evidence_of_its_own_kind(world):
    ect = world.enrol(2025)
    started = {"declaration_date": "2025-09-10T10:00:00Z"}
    assert refusals(world, request(ect, **started, evidence_held=None)) == {
        "evidence_held": ["Enter a '#/evidence_held' value for this participant."]
    }
    assert refusals(world, request(ect, **started, evidence_held="one-term-induction")) == {
        "evidence_held": ["Enter an available '#/evidence_held' type for this participant."]
    }
    made = submit(world, request(ect, **started, evidence_held="materials-engaged-with-offline"))
    assert made.evidence_held == "materials-engaged-with-offline"
    retained = {"declaration_type": "retained-2", "declaration_date": "2025-12-10T10:00:00Z"}
    assert refusals(world, request(ect, **retained, evidence_held="other")) == {
        "evidence_held": ["Enter an available '#/evidence_held' type for this participant."]
    }
    submit(world, request(ect, **retained, evidence_held="75-percent-engagement-met-reduced-induction"))


def test_mentors_from_2025_have_only_started_and_completed(world):
    mentor = world.enrol(2025, participant_type="mentor")
    retained = request(mentor, declaration_type="retained-1", declaration_date="2025-10-01T10:00:00Z")
    assert refusals(world, retained) == {"declaration_type": [rect.MENTOR_STARTED_OR_COMPLETED]}
    completed = request(
        mentor,
        declaration_type="completed",
        declaration_date="2025-10-01T10:00:00Z",
        evidence_held="75-percent-engagement-met",
    )
    assert submit(world, completed).state == "submitted"


# -- withdrawal, frozen years, outcome ---------------------------------------------------------------


def test_a_declaration_after_the_withdrawal_is_refused_with_its_instant(world):
    ect = world.enrol(2023)
    withdrawn = at("2023-09-05T08:00:00")
    record_training_status(
        world.store, profile_id=ect.profile.id, lead_provider_id=world.provider.id,
        state="withdrawn", reason="other", now=withdrawn,
    )  # fmt: skip
    assert refusals(world, request(ect)) == {"participant_id": [rect.withdrew(withdrawn)]}
    assert rect.withdrew(withdrawn).startswith(
        "This participant withdrew from this course on 2023-09-05T08:00:00Z."
    )
    submit(world, request(ect, declaration_date="2023-09-04T10:00:00Z"))


def test_nobody_training_in_a_payments_frozen_year_today_can_be_declared_for(world):
    for year in (2021, 2022):
        ect = world.enrol(year)
        eligible(world, ect)
        assert refusals(world, request(ect, declaration_date=f"{year}-11-01T10:00:00Z")) == {
            "cohort": [
                f"You cannot submit declarations for the {year} cohort. The funding contract for this cohort "
                "has ended. Get in touch if you need to discuss this with us."
            ]
        }


def test_a_fundable_participant_is_eligible_on_the_next_open_statement_else_submitted(world):
    ect, other = world.enrol(2023), world.enrol(2023)
    eligible(world, ect)
    made = submit(world, request(ect))
    assert made.state == "eligible" and made.statement_id is not None
    statement = world.store.statements[made.statement_id]
    assert statement.deadline_date >= NOW.date() and statement.output_fee
    unfunded = submit(world, request(other))
    assert (unfunded.state, unfunded.statement_id) == ("submitted", None)


def test_a_new_claim_passes_over_a_statement_already_paid(world):
    # A provider clock behind DfE's payments (time travel): the next statement by deadline is paid, so the
    # claim waits on the first one still open (rect.md §4.3) rather than being refused.
    ect = world.enrol(2023)
    eligible(world, ect)
    paid = next_output_statement(world.store, world.provider, "ecf", 2023, NOW.date())
    assert paid is not None
    paid.paid = True
    made = submit(world, request(ect))
    statement = world.store.statements[made.statement_id]
    assert made.state == "eligible" and not statement.paid
    assert statement.deadline_date > paid.deadline_date


# -- void and clawback -------------------------------------------------------------------------------


def void(world: World, declaration_id: str):
    return rect_void.void_declaration(world.store, world.provider, declaration_id, NOW, RECT_SCOPE, LONDON)


def test_void_refusals_are_titled_participant_declaration_id(world):
    ect = world.enrol(2023)
    voided = world.declare(ect, "started", at("2023-09-10T10:00:00"), state="voided")
    refunded = world.declare(ect, "retained-1", at("2024-02-10T10:00:00"), state="awaiting_clawback")
    for declaration, text in ((voided, "The declaration has already been voided."),
                              (refunded, "The declaration will or has been refunded")):  # fmt: skip
        with pytest.raises(InvalidAction) as raised:
            void(world, declaration.id)
        assert (raised.value.title, raised.value.detail) == ("participant_declaration_id", text)


def test_unpaid_is_voided_and_paid_is_clawed_back_keeping_its_statement(world):
    ect = world.enrol(2023)
    submitted = world.declare(ect, "started", at("2023-09-10T10:00:00"))
    paid = world.declare(ect, "retained-1", at("2024-02-10T10:00:00"), state="paid")
    assert void(world, submitted.id).state == "voided"
    paid_statement = paid.statement_id
    clawed = void(world, paid.id)
    assert clawed.state == "awaiting_clawback"
    assert clawed.statement_id == paid_statement and clawed.clawback_statement_id is not None


def test_a_paid_declaration_of_a_year_without_statements_cannot_be_clawed_back(world):
    ect = world.enrol(2021)
    paid = world.declare(ect, "started", at("2021-10-10T10:00:00"), state="paid")
    with pytest.raises(InvalidAction) as raised:
        void(world, paid.id)
    assert raised.value.detail == (
        "You cannot submit or void declarations for the 2021 cohort. The funding contract for this cohort "
        "has ended. Get in touch if you need to discuss this with us"
    )


def test_ineligible_and_other_providers_declarations_are_not_found(world):
    ect = world.enrol(2023)
    ineligible = world.declare(ect, "started", at("2023-09-10T10:00:00"), state="ineligible")
    theirs = world.declare(ect, "retained-1", at("2024-02-10T10:00:00"), provider=world.other)
    for declaration in (ineligible, theirs):
        with pytest.raises(NotFound):
            void(world, declaration.id)


def test_no_new_declaration_is_ever_ineligible(world):
    first, second = world.enrol(2023), world.enrol(2023)
    for who in (first, second):
        world.store.users[who.user_id].teacher_reference_number = "7654321"
        eligible(world, who)
    submit(world, request(first))
    assert submit(world, request(second)).state == "eligible"


def test_the_future_check_uses_the_request_instant(world):
    ect = world.enrol(2023)
    moment = datetime(2023, 10, 1, 10, tzinfo=UTC)
    assert refusals(world, request(ect), now=moment - timedelta(seconds=1)) == {
        "declaration_date": [rect.DATE_IN_FUTURE]
    }


def test_a_mentors_completion_ends_their_training_period_and_voiding_it_reopens_one(world):
    mentor = world.enrol(2025, participant_type="mentor")
    done = submit(
        world,
        request(
            mentor,
            declaration_type="completed",
            declaration_date="2026-10-01T10:00:00Z",
            evidence_held="75-percent-engagement-met",
        ),
    )
    assert mentor.record.end_date == at("2026-10-01T10:00:00")
    assert mentor.profile.mentor_funding_end_date is not None
    assert period_status(mentor.profile, mentor.record, NOW) == "active"  # by the completion rule
    void(world, done.id)
    assert mentor.profile.mentor_funding_end_date is None
    records = world.store.records_of(mentor.profile.id)
    assert len(records) == 2 and records[-1].start_date == NOW and records[-1].end_date is None
