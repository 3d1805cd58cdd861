"""ECF change-schedule (domain.md §4.3) and the 2021 payments-freeze moves (§4.9)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox.domain import messages
from sandbox.domain.errors import NotFound, ValidationFailed
from sandbox.domain.participants.change_schedule import (
    NO_PARTNERSHIP,
    active_registration_cohort,
    change_schedule,
)
from sandbox.domain.participants.ecf_actions import act
from sandbox.domain.world.registration import (
    add_partnership,
    change_cohort_after_payments_frozen,
    record_challenge,
)
from tests.domain.ecf_world import NOW, Enrolled, World, at, build, snapshot


@pytest.fixture
def world() -> World:
    return build()


def change(world: World, who: Enrolled | str, schedule: object, cohort: object = None, **kw):
    user_id = who if isinstance(who, str) else who.user_id
    default = (
        "ecf-mentor"
        if not isinstance(who, str) and who.profile.participant_type == "mentor"
        else "ecf-induction"
    )
    course = kw.pop("course", default)
    return change_schedule(
        world.store,
        kw.pop("provider", world.provider),
        user_id,
        course_identifier=course,
        schedule_identifier=schedule,
        cohort=cohort,
        now=kw.pop("now", NOW),
    )


def refused(world: World, who: Enrolled | str, schedule: object, cohort: object = None, **kw) -> dict:
    before = snapshot(world.store)
    with pytest.raises(ValidationFailed) as caught:
        change(world, who, schedule, cohort, **kw)
    assert snapshot(world.store) == before, "a refused change must change nothing"
    return caught.value.errors


# -- input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("schedule", [None, "", "ecf-standard-march", 12])
def test_missing_or_unknown_schedule(world: World, schedule: object) -> None:
    assert refused(world, world.enrol(), schedule) == {"schedule_identifier": [messages.INVALID_SCHEDULE]}


@pytest.mark.parametrize("cohort", ["1999", "soon", True])
def test_a_cohort_that_is_no_year_we_know_finds_no_schedule_and_no_partnership(
    world: World, cohort: object
) -> None:
    assert refused(world, world.enrol(), "ecf-reduced-september", cohort) == {
        "schedule_identifier": [messages.INVALID_SCHEDULE],
        "cohort": [NO_PARTNERSHIP],
    }


def test_unresolved_participants_get_only_the_resolution_and_input_errors(world: World) -> None:
    theirs = world.enrol(provider=world.other)
    # Their schedule is the one asked for, but nothing about someone else's participant is reported.
    assert refused(world, theirs, "ecf-standard-september") == {
        "participant_id": [messages.PARTICIPANT_NOT_RECOGNISED]
    }
    assert refused(world, "nobody", None, course="") == {
        "participant_id": [messages.PARTICIPANT_NOT_RECOGNISED],
        "course_identifier": [messages.COURSE_MISSING],
        "schedule_identifier": [messages.INVALID_SCHEDULE],
    }


# -- status, course, sameness ---------------------------------------------------------------------


def test_withdrawn_participant_cannot_change(world: World) -> None:
    who = world.enrol()
    act(
        world.store,
        world.provider,
        who.user_id,
        "withdraw",
        course_identifier="ecf-induction",
        reason="other",
        now=NOW,
    )
    assert refused(world, who, "ecf-reduced-september") == {
        "participant_id": [messages.WITHDRAWN_PARTICIPANT]
    }
    # Attributes come in the order they first failed: the schedule presence check runs first.
    assert list(refused(world, who, None)) == ["schedule_identifier", "participant_id"]


def test_deferred_participant_can_change(world: World) -> None:
    who = world.enrol()
    act(
        world.store,
        world.provider,
        who.user_id,
        "defer",
        course_identifier="ecf-induction",
        reason="other",
        now=NOW,
    )
    result = change(world, who, "ecf-reduced-september")
    assert result.enrolment.record.schedule_identifier == "ecf-reduced-september"
    assert result.enrolment.record.training_status == "deferred"


@pytest.mark.parametrize("schedule", ["ecf-replacement-september", "npq-leadership-autumn"])
def test_schedule_must_allow_the_course(world: World, schedule: str) -> None:
    assert refused(world, world.enrol(), schedule) == {
        "schedule_identifier": [messages.SCHEDULE_INVALID_FOR_COURSE]
    }


def test_replacement_schedules_are_for_mentors(world: World) -> None:
    mentor = world.enrol(2023, "mentor")
    assert change(world, mentor, "ecf-replacement-january").enrolment.record.schedule_identifier == (
        "ecf-replacement-january"
    )


def test_same_schedule_is_refused(world: World) -> None:
    who = world.enrol()
    assert refused(world, who, "ecf-standard-september", "2023") == {
        "schedule_identifier": [messages.SCHEDULE_ALREADY_ON_PROFILE]
    }


# -- declarations ---------------------------------------------------------------------------------


def test_live_declarations_must_fit_the_new_schedule(world: World) -> None:
    who = world.enrol()
    world.declare(who, "started", at("2023-10-01T10:00:00"), state="paid")
    assert refused(world, who, "ecf-standard-january") == {
        "schedule_identifier": [messages.SCHEDULE_INVALIDATES_DECLARATIONS]
    }


def test_voided_and_clawed_back_declarations_do_not_count(world: World) -> None:
    who = world.enrol()
    world.declare(who, "started", at("2023-10-01T10:00:00"), state="voided")
    world.declare(who, "retained-1", at("2024-02-01T10:00:00"), state="ineligible")
    assert (
        change(world, who, "ecf-standard-january").enrolment.record.schedule_identifier
        == "ecf-standard-january"
    )


@pytest.mark.parametrize(
    ("when", "fits"),
    [
        ("2023-09-01T00:00:00", False),  # upstream: declaration_date <= start of day is refused
        ("2023-09-01T00:00:01", True),
        ("2023-09-01T00:30:00+01:00", False),  # still 31 August in UTC
    ],
)
def test_the_milestone_start_is_exclusive(world: World, when: str, fits: bool) -> None:
    who = world.enrol()
    world.declare(who, "started", at(when))
    if fits:
        change(world, who, "ecf-reduced-september")
    else:
        assert refused(world, who, "ecf-reduced-september") == {
            "schedule_identifier": [messages.SCHEDULE_INVALIDATES_DECLARATIONS]
        }


@pytest.mark.parametrize(("when", "fits"), [("2023-12-31T23:59:59", True), ("2024-01-01T00:00:00", False)])
def test_the_milestone_end_day_is_inclusive(world: World, when: str, fits: bool) -> None:
    who = world.enrol(schedule="ecf-reduced-september")
    world.declare(who, "started", at(when), state="eligible")
    if fits:
        change(world, who, "ecf-standard-september")
    else:
        assert refused(world, who, "ecf-standard-september") == {
            "schedule_identifier": [messages.SCHEDULE_INVALIDATES_DECLARATIONS]
        }


def test_a_declaration_type_the_new_schedule_lacks_is_a_404(world: World) -> None:
    who = world.enrol(schedule="ecf-extended-september")
    world.declare(who, "extended-1", at("2024-10-01T10:00:00"))
    before = snapshot(world.store)
    with pytest.raises(NotFound):
        change(world, who, "ecf-standard-september")
    assert snapshot(world.store) == before


def test_cohort_cannot_change_once_declared(world: World) -> None:
    who = world.enrol(schedule="ecf-reduced-september")
    world.declare(who, "started", at("2024-10-01T10:00:00"))  # fits the 2024 reduced schedule too
    assert refused(world, who, "ecf-reduced-september", 2024) == {"cohort": [messages.CANNOT_CHANGE_COHORT]}


def test_every_failing_check_is_reported(world: World) -> None:
    who = world.enrol()
    world.declare(who, "started", at("2023-10-01T10:00:00"))
    assert refused(world, who, "ecf-replacement-september", 2024) == {
        "schedule_identifier": [
            messages.SCHEDULE_INVALIDATES_DECLARATIONS,
            messages.SCHEDULE_INVALID_FOR_COURSE,
        ],
        "cohort": [messages.CANNOT_CHANGE_COHORT],
    }


# -- partnerships and the records -----------------------------------------------------------------


def test_cohort_move_opens_a_record_under_the_target_partnership(world: World) -> None:
    who = world.enrol()
    result = change(world, who, "ecf-standard-september", "2024")
    assert (who.profile.schedule_identifier, who.profile.cohort) == ("ecf-standard-september", 2024)
    new = result.enrolment.record
    assert new is not who.record and new.id in world.store.induction_records
    assert (new.partnership_id, new.cohort, new.start_date, new.training_status) == (
        world.partnership(2024).id,
        2024,
        NOW,
        "active",
    )
    assert (who.record.induction_status, who.record.end_date) == ("changed", NOW)
    assert world.store.users[who.user_id].updated_at == NOW
    assert result.enrolment.participant_status == "active"
    assert who.profile.cohort_changed_after_payments_frozen is False


def test_a_record_not_started_yet_is_changed_in_place(world: World) -> None:
    who = world.enrol(2024, start=NOW + timedelta(days=30))
    result = change(world, who, "ecf-standard-january")
    assert result.enrolment.record is who.record
    assert who.record.schedule_identifier == "ecf-standard-january"
    assert len(world.store.records_of(who.profile.id)) == 1


def test_target_cohort_needs_an_active_partnership_with_the_school(world: World) -> None:
    record_challenge(world.store, partnership_id=world.partnership(2022).id, reason="mistake", now=NOW)
    assert refused(world, world.enrol(), "ecf-standard-september", 2022) == {"cohort": [NO_PARTNERSHIP]}


def test_a_relationship_partnership_serves_only_identifier_changes(world: World) -> None:
    link = add_partnership(
        world.store,
        lead_provider_id=world.provider.id,
        school_id=world.other_school.id,
        delivery_partner_id=world.delivery_partner_id,
        cohort=2023,
        relationship=True,
        now=NOW - timedelta(days=400),
    )
    who = world.enrol()
    world.store.induction_records[who.record.id].partnership_id = link.id
    result = change(world, who, "ecf-reduced-september")
    assert result.enrolment.record.partnership_id == link.id
    assert refused(world, who, "ecf-reduced-september", 2024) == {"cohort": [NO_PARTNERSHIP]}


# -- 2021 payments freeze (§4.9) ------------------------------------------------------------------


def frozen_2021(world: World, *types: tuple[str, str, str]) -> Enrolled:
    who = world.enrol(2021)
    for declaration_type, when, state in types:
        world.declare(who, declaration_type, at(when), state=state)
    return who


def test_active_registration_cohort_is_the_latest_opened() -> None:
    assert active_registration_cohort(build().store, NOW.date()) == 2024
    assert active_registration_cohort(build().store, at("2024-04-02T00:00:00").date()) == 2023


def test_unfinished_2021_participant_moves_to_the_active_registration_cohort(world: World) -> None:
    who = frozen_2021(
        world, ("started", "2021-10-01T10:00:00", "paid"), ("retained-1", "2022-01-10T10:00:00", "paid")
    )
    result = change(world, who, "ecf-extended-september", 2024)
    assert who.profile.cohort_changed_after_payments_frozen is True
    assert (who.profile.cohort, result.enrolment.record.partnership_id) == (2024, world.partnership(2024).id)


@pytest.mark.parametrize(
    "claims",
    [
        # a billable `completed` means the participant finished
        (("started", "2021-10-01T10:00:00", "paid"), ("completed", "2023-03-01T10:00:00", "paid")),
        # submitted claims are not billable
        (("started", "2021-10-01T10:00:00", "submitted"),),
    ],
)
def test_finished_or_unbilled_2021_participants_stay(world: World, claims: tuple) -> None:
    who = frozen_2021(world, *claims)
    errors = refused(world, who, "ecf-extended-september", 2024)
    assert errors["cohort"] == [messages.CANNOT_CHANGE_COHORT]


def test_the_freeze_move_only_goes_to_the_active_registration_cohort(world: World) -> None:
    who = frozen_2021(world, ("started", "2021-10-01T10:00:00", "paid"))
    assert refused(world, who, "ecf-extended-september", 2023)["cohort"] == [messages.CANNOT_CHANGE_COHORT]


def migrated(world: World, *later: tuple[str, str, str]) -> Enrolled:
    who = frozen_2021(world, ("started", "2021-10-01T10:00:00", "paid"))
    record = change_cohort_after_payments_frozen(
        world.store,
        profile_id=who.profile.id,
        partnership_id=world.partnership(2024).id,
        schedule_identifier="ecf-extended-september",
        now=at("2024-07-10T09:00:00"),
    )
    who.record = record
    for declaration_type, when, state in later:
        world.declare(who, declaration_type, at(when), state=state)
    return who


def test_a_migrated_participant_may_go_back_to_the_frozen_cohort(world: World) -> None:
    who = migrated(world)
    result = change(world, who, "ecf-standard-september", 2021)
    assert who.profile.cohort_changed_after_payments_frozen is False
    assert (who.profile.cohort, result.enrolment.record.partnership_id) == (2021, world.partnership(2021).id)


def test_going_back_is_refused_once_claimed_in_the_new_cohort(world: World) -> None:
    who = migrated(world, ("retained-1", "2024-10-01T10:00:00", "submitted"))
    errors = refused(world, who, "ecf-standard-september", 2021)
    assert errors["cohort"] == [messages.CANNOT_CHANGE_COHORT]


def test_frozen_cohort_claims_of_a_migrated_participant_do_not_block_a_new_schedule(world: World) -> None:
    who = migrated(world)
    # The 2021 `started` (October 2021) fits no 2024 schedule, but it stays where it was paid.
    result = change(world, who, "ecf-reduced-september", 2024)
    assert result.enrolment.record.schedule_identifier == "ecf-reduced-september"
    assert who.profile.cohort_changed_after_payments_frozen is True


def test_an_unflagged_participant_has_every_claim_checked(world: World) -> None:
    who = frozen_2021(world, ("started", "2021-10-01T10:00:00", "submitted"))
    assert refused(world, who, "ecf-standard-january", 2021) == {
        "schedule_identifier": [messages.SCHEDULE_INVALIDATES_DECLARATIONS]
    }
