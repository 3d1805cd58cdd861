"""The NPQ service's rules tell two intakes of one year apart (npq.md §5.1, §5.4): a declaration needs a
contract and an open output-fee statement of the application's exact cohort, a refund lands on a statement
of that cohort, and change-schedule needs a contract of the exact cohort it moves into: 2025a's never stand
in for 2025b's."""

from __future__ import annotations

from datetime import UTC, datetime

from sandbox.domain.applications import npq_service
from sandbox.domain.declarations import npq_rules, npq_void, rules
from sandbox.domain.finance.ledger import create_npq_cohort_statements, record_declaration
from sandbox.domain.participants import npq_service_actions as actions
from sandbox.domain.participants.npq_actions import NO_CONTRACT_FOR_COHORT
from sandbox.domain.world.entities import NPQProfile
from sandbox.domain.world.npq_registration import (
    accept_npq_application,
    create_npq_application,
    create_npq_contract,
)
from tests.domain.npq_service_world import refused, request
from tests.domain.npq_world import NOW, World, build, enrolled, person

COURSE = "npq-headship"


def contract(world: World, year: int, suffix: str) -> None:
    create_npq_contract(
        world.store,
        lead_provider_id=world.mine.id,
        cohort=year,
        cohort_suffix=suffix,
        course_identifier=COURSE,
        funding_cap=50,
    )


def statements(world: World, identifier: str) -> None:
    cohort = next(c for c in world.store.reference.npq_cohorts if c.identifier == identifier)
    create_npq_cohort_statements(world.store, lead_provider_id=world.mine.id, cohort=cohort, as_of=NOW)


def in_2025b(world: World) -> NPQProfile:
    """Someone accepted by me into the autumn 2025 intake, with a funded place."""
    when = datetime(2025, 9, 2, 9, tzinfo=UTC)
    application = create_npq_application(
        world.store,
        user_id=person(world.store).id,
        lead_provider_id=world.mine.id,
        course_identifier=COURSE,
        cohort=2025,
        cohort_suffix="b",
        now=when,
        details={"eligible_for_funding": True},
    )
    return accept_npq_application(
        world.store,
        application_id=application.id,
        schedule_identifier="npq-leadership-autumn",
        now=when,
        funded_place=True,
    )


def submit(world: World, profile: NPQProfile) -> list[tuple[str, str]]:
    found = npq_rules.declaration_errors(
        world.store,
        world.mine,
        request(profile),
        npq_rules.resolve(world.store, world.mine, request(profile)),
        NOW,
    )
    return [(attribute, message) for attribute, messages in found.items() for message in messages]


def test_accepting_leaves_the_other_intake_of_the_year_pending() -> None:
    world = build()
    made = {
        suffix: create_npq_application(
            world.store,
            user_id=someone.id,
            lead_provider_id=world.mine.id,
            course_identifier=COURSE,
            cohort=2025,
            cohort_suffix=suffix,
            now=datetime(2025, 9, 2, 9, tzinfo=UTC),
            details={"eligible_for_funding": True},
        )
        for someone in [person(world.store)]
        for suffix in ("a", "b")
    }
    npq_service.accept_application(world.store, world.mine, made["a"].id, NOW, funded_place=True)
    assert (made["a"].status, made["b"].status) == ("accepted", "pending")


def test_a_declaration_needs_a_contract_of_the_exact_cohort() -> None:
    world = build()
    profile = in_2025b(world)
    statements(world, "2025b")
    contract(world, 2025, "a")
    assert ("cohort", rules.NO_NPQ_CONTRACT) in submit(world, profile)
    contract(world, 2025, "b")
    assert not [entry for entry in submit(world, profile) if entry[0] == "cohort"]


def test_a_declaration_lands_only_on_a_statement_of_the_exact_cohort() -> None:
    world = build()
    profile = in_2025b(world)
    contract(world, 2025, "b")
    statements(world, "2025a")
    assert ("cohort", npq_rules.cohort_closed(2025)) in submit(world, profile)
    statements(world, "2025b")
    assert not [entry for entry in submit(world, profile) if entry[0] == "cohort"]


def test_a_paid_declaration_is_refunded_on_a_statement_of_the_exact_cohort() -> None:
    world = build()
    profile = in_2025b(world)
    statements(world, "2025a")
    statements(world, "2025b")
    paid_on = next(
        s for s in world.store.statements.values() if (s.cohort, s.cohort_suffix) == (2025, "b") and s.paid
    )
    declaration = record_declaration(
        world.store,
        profile_id=profile.id,
        lead_provider_id=world.mine.id,
        declaration_type="started",
        declaration_date=datetime(2025, 9, 10, 9, tzinfo=UTC),
        state="paid",
        now=datetime(2025, 9, 10, 10, tzinfo=UTC),
        statement_id=paid_on.id,
    )
    npq_void.void_declaration(world.store, world.mine, declaration.id, NOW)
    refund = world.store.statements[declaration.clawback_statement_id]
    assert (declaration.state, refund.cohort, refund.cohort_suffix) == ("awaiting_clawback", 2025, "b")


def test_change_schedule_needs_a_contract_of_the_latest_intake() -> None:
    world = build()
    profile = enrolled(world)  # 2023a, fully funded
    contract(world, 2025, "a")

    def change():  # type: ignore[no-untyped-def]
        return actions.change_schedule(
            world.store,
            world.mine,
            profile.user_id,
            course_identifier=COURSE,
            schedule_identifier="npq-leadership-autumn",
            cohort=2025,
            now=NOW,
        )

    # 2025 names 2025b, which has the schedule; 2025a's contract does not count for it.
    assert refused(change) == [("cohort", NO_CONTRACT_FOR_COHORT)]
    contract(world, 2025, "b")
    change()
    application = world.store.npq_applications[profile.id]
    assert (application.cohort, application.cohort_suffix) == (2025, "b")
