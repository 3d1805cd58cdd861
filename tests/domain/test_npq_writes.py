"""NPQ application decisions (domain.md §4.15) and outcomes (§4.17): every refusal with its exact text, in
upstream's order, a refusal that changes nothing, and what an accepted request does to the world.
The participant actions (§4.16) are in test_npq_actions.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sandbox.domain.applications import decisions
from sandbox.domain.declarations import outcomes
from sandbox.domain.errors import Forbidden, InvalidAction, NotFound, ValidationFailed
from sandbox.domain.finance.ledger import record_npq_outcome
from sandbox.domain.messages import (
    CONTRACT_DATA_ISSUE,
    COURSE_MISSING,
    COURSE_NOT_RECOGNISED,
    SCHEDULE_INVALID_FOR_COURSE,
)
from sandbox.domain.world.entities import NPQContract
from tests.domain.npq_world import NOW, World, accept, apply, build, declare, enrolled, fingerprint, person


@pytest.fixture
def world() -> World:
    return build()


def refused(call, *args, **kwargs) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as caught:
        call(*args, **kwargs)
    return caught.value.errors


# -- accept ---------------------------------------------------------------------------------------


def test_accept_creates_the_profile_on_the_default_schedule_of_the_request_date(world: World) -> None:
    store = world.store
    user = person(store)
    application = apply(store, world.mine, user, "npq-headship", 2023)
    accepted = decisions.accept_application(store, world.mine, application.id, NOW)
    assert accepted is application and application.status == "accepted"
    profile = store.npq_profiles[application.id]
    # 27 November is between 3 April and 25 December: the autumn schedule.
    assert (profile.schedule_identifier, profile.cohort, profile.training_status) == (
        "npq-leadership-autumn",
        2023,
        "active",
    )
    assert application.schedule_identifier == "npq-leadership-autumn"
    assert application.funded_place is None  # 2023 contracts have no cap
    assert application.updated_at == profile.created_at == store.users[user.id].updated_at == NOW


@pytest.mark.parametrize(
    ("course", "on", "expected"),
    [
        ("npq-senco", datetime(2027, 1, 10, tzinfo=UTC), "npq-leadership-spring"),
        ("npq-leading-literacy", datetime(2026, 12, 27, tzinfo=UTC), "npq-specialist-spring"),
        ("npq-early-headship-coaching-offer", datetime(2024, 12, 5, tzinfo=UTC), "npq-ehco-december"),
    ],
)
def test_the_default_schedule_follows_the_server_date(
    world: World, course: str, on: datetime, expected: str
) -> None:
    application = apply(world.store, world.mine, person(world.store), course, 2024)
    decisions.accept_application(world.store, world.mine, application.id, on, funded_place=True)
    assert world.store.npq_profiles[application.id].schedule_identifier == expected


def test_a_v3_schedule_is_used_when_it_fits_the_course_and_cohort(world: World) -> None:
    application = apply(world.store, world.mine, person(world.store), "npq-headship", 2023)
    decisions.accept_application(
        world.store, world.mine, application.id, NOW, schedule_identifier="npq-leadership-spring"
    )
    assert world.store.npq_profiles[application.id].schedule_identifier == "npq-leadership-spring"


@pytest.mark.parametrize("schedule", ["npq-specialist-autumn", "npq-aso-june", "no-such-schedule", 7])
def test_a_schedule_of_another_family_or_unknown_for_the_cohort_is_refused(
    world: World, schedule: object
) -> None:
    application = apply(world.store, world.mine, person(world.store), "npq-headship", 2023)
    before = fingerprint(world.store)
    errors = refused(
        decisions.accept_application,
        world.store,
        world.mine,
        application.id,
        NOW,
        schedule_identifier=schedule,
    )
    assert errors == {"schedule_identifier": [SCHEDULE_INVALID_FOR_COURSE]}
    assert fingerprint(world.store) == before


@pytest.mark.parametrize(
    ("status", "message"),
    [("accepted", decisions.ALREADY_ACCEPTED), ("rejected", decisions.CANNOT_CHANGE_FROM_REJECTED)],
)
def test_a_decided_application_cannot_be_accepted(world: World, status: str, message: str) -> None:
    application = apply(world.store, world.mine, person(world.store))
    if status == "accepted":
        accept(world.store, application)
    else:
        decisions.reject_application(world.store, world.mine, application.id, NOW)
    errors = refused(decisions.accept_application, world.store, world.mine, application.id, NOW)
    assert errors["npq_application"][0] == message


def test_accepting_rejects_the_persons_other_pending_applications_for_the_course_and_cohort(
    world: World,
) -> None:
    store = world.store
    user = person(store)
    mine = apply(store, world.mine, user, "npq-senco", 2023)
    theirs = apply(store, world.other, user, "npq-senco", 2023)
    other_course = apply(store, world.other, user, "npq-headship", 2023)
    other_cohort = apply(store, world.other, user, "npq-senco", 2022)
    decisions.accept_application(store, world.mine, mine.id, NOW)
    assert (theirs.status, theirs.updated_at) == ("rejected", NOW)
    assert other_course.status == other_cohort.status == "pending"


@pytest.mark.parametrize(
    ("earlier", "later", "cohort", "same_user"),
    [
        ("npq-headship", "npq-headship", 2023, True),
        ("npq-headship", "npq-headship", 2023, False),  # another user with the same TRN
        ("npq-additional-support-offer", "npq-early-headship-coaching-offer", 2023, True),
        ("npq-early-headship-coaching-offer", "npq-additional-support-offer", 2021, True),
    ],
)
def test_someone_already_accepted_for_the_course_anywhere_is_refused(
    world: World, earlier: str, later: str, cohort: int, same_user: bool
) -> None:
    store = world.store
    first = person(store, trn="7654321")
    second = first if same_user else person(store, trn="7654321")
    accept(store, apply(store, world.other, first, earlier, 2022 if cohort == 2021 else 2021))
    application = apply(store, world.mine, second, later, cohort)
    before = fingerprint(store)
    # A date on which the 2021 cohort still had an open statement.
    when = datetime(2023, 1, 10, tzinfo=UTC)
    errors = refused(decisions.accept_application, store, world.mine, application.id, when)
    assert errors == {"npq_application": [decisions.ACCEPTED_ELSEWHERE]}
    assert fingerprint(store) == before


def test_an_accepted_application_for_another_course_does_not_block(world: World) -> None:
    store = world.store
    user = person(store)
    accept(store, apply(store, world.other, user, "npq-senco", 2022))
    application = apply(store, world.mine, user, "npq-headship", 2023)
    decisions.accept_application(store, world.mine, application.id, NOW)
    assert application.status == "accepted"


@pytest.mark.parametrize("value", [None, "true", 1, "yes"])
def test_a_capped_cohort_needs_funded_place_true_or_false(world: World, value: object) -> None:
    application = apply(world.store, world.mine, person(world.store), "npq-headship", 2024)
    errors = refused(
        decisions.accept_application, world.store, world.mine, application.id, NOW, funded_place=value
    )
    assert errors == {"funded_place": [decisions.FUNDED_PLACE_REQUIRED]}


@pytest.mark.parametrize("funded", [True, False])
def test_a_capped_cohort_stores_the_funded_place(world: World, funded: bool) -> None:
    application = apply(world.store, world.mine, person(world.store), "npq-headship", 2024)
    decisions.accept_application(world.store, world.mine, application.id, NOW, funded_place=funded)
    assert application.funded_place is funded


def test_a_funded_place_needs_an_eligible_applicant(world: World) -> None:
    store = world.store
    application = apply(store, world.mine, person(store), "npq-headship", 2024, eligible=False)
    errors = refused(decisions.accept_application, store, world.mine, application.id, NOW, funded_place=True)
    assert errors == {"npq_application": [decisions.NOT_ELIGIBLE_FOR_FUNDED_PLACE]}
    decisions.accept_application(store, world.mine, application.id, NOW, funded_place=False)
    assert application.funded_place is False


def test_errors_come_in_upstreams_order(world: World) -> None:
    application = apply(world.store, world.mine, person(world.store), "npq-headship", 2024)
    accept(world.store, application)
    errors = refused(decisions.accept_application, world.store, world.mine, application.id, NOW)
    assert list(errors.items()) == [
        ("funded_place", [decisions.FUNDED_PLACE_REQUIRED]),
        ("npq_application", [decisions.ALREADY_ACCEPTED]),
    ]


def test_an_uncapped_cohort_ignores_funded_place(world: World) -> None:
    application = apply(world.store, world.mine, person(world.store), "npq-headship", 2023)
    decisions.accept_application(world.store, world.mine, application.id, NOW, funded_place="anything")
    assert application.funded_place is None


def test_no_open_statement_is_unprocessable_before_any_other_check(world: World) -> None:
    # NPQ statements for 2021 end in 2024: nothing is open on the sandbox's date.
    application = apply(world.store, world.mine, person(world.store), "npq-headship", 2021)
    accept(world.store, application)
    before = fingerprint(world.store)
    with pytest.raises(InvalidAction) as caught:
        decisions.accept_application(world.store, world.mine, application.id, NOW)
    assert (caught.value.title, caught.value.detail) == ("Unprocessable request", CONTRACT_DATA_ISSUE)
    assert fingerprint(world.store) == before


def test_no_contract_is_unprocessable(world: World) -> None:
    store = world.store
    application = apply(store, world.mine, person(store), "npq-headship", 2023)
    store.npq_contracts.discard(NPQContract(world.mine.id, 2023, "npq-headship", 0))
    with pytest.raises(InvalidAction) as caught:
        decisions.accept_application(store, world.mine, application.id, NOW)
    assert caught.value.title == "Unprocessable request"
    # With the capping flag off upstream checks no contract (and reads no funded place).
    decisions.accept_application(store, world.mine, application.id, NOW, funded_place=True, capping=False)
    assert application.status == "accepted" and application.funded_place is None


def test_another_providers_application_is_not_found(world: World) -> None:
    application = apply(world.store, world.other, person(world.store))
    for call in (decisions.accept_application, decisions.reject_application):
        with pytest.raises(NotFound):
            call(world.store, world.mine, application.id, NOW)
    with pytest.raises(NotFound):
        decisions.accept_application(world.store, world.mine, "no-such-id", NOW)
    assert application.status == "pending"


# -- reject ---------------------------------------------------------------------------------------


def test_reject_a_pending_application(world: World) -> None:
    application = apply(world.store, world.mine, person(world.store))
    assert decisions.reject_application(world.store, world.mine, application.id, NOW) is application
    assert (application.status, application.updated_at) == ("rejected", NOW)
    assert application.id not in world.store.npq_profiles


@pytest.mark.parametrize(
    ("status", "message"),
    [("accepted", decisions.CANNOT_CHANGE_FROM_ACCEPTED), ("rejected", decisions.ALREADY_REJECTED)],
)
def test_a_decided_application_cannot_be_rejected(world: World, status: str, message: str) -> None:
    application = apply(world.store, world.mine, person(world.store))
    if status == "accepted":
        accept(world.store, application)
    else:
        decisions.reject_application(world.store, world.mine, application.id, NOW)
    before = fingerprint(world.store)
    errors = refused(
        decisions.reject_application, world.store, world.mine, application.id, NOW + timedelta(1)
    )
    assert errors == {"npq_application": [message]}
    assert fingerprint(world.store) == before


# -- change funded place --------------------------------------------------------------------------


def _capped(world: World, *, eligible: bool = True, funded: bool | None = True):  # type: ignore[no-untyped-def]
    application = apply(world.store, world.mine, person(world.store), "npq-headship", 2024, eligible=eligible)
    accept(world.store, application, funded_place=funded)
    return application


def test_change_funded_place(world: World) -> None:
    application = _capped(world, funded=False)
    decisions.change_funded_place(world.store, world.mine, application.id, True, NOW)
    assert (application.funded_place, application.updated_at) == (True, NOW)


def test_change_funded_place_is_forbidden_with_capping_off(world: World) -> None:
    with pytest.raises(Forbidden):
        decisions.change_funded_place(world.store, world.mine, "no-such-id", True, NOW, capping=False)


def test_a_missing_funded_place(world: World) -> None:
    application = _capped(world)
    errors = refused(decisions.change_funded_place, world.store, world.mine, application.id, None, NOW)
    assert list(errors.items()) == [
        ("npq_application", [decisions.FUNDED_PLACE_MISSING]),
        ("funded_place", [decisions.FUNDED_PLACE_REQUIRED]),
    ]


def test_a_pending_application_cannot_change_its_funded_place(world: World) -> None:
    application = apply(world.store, world.mine, person(world.store), "npq-headship", 2024)
    before = fingerprint(world.store)
    errors = refused(decisions.change_funded_place, world.store, world.mine, application.id, "yes", NOW)
    assert list(errors.items()) == [
        ("funded_place", [decisions.FUNDED_PLACE_REQUIRED]),
        ("npq_application", [decisions.ACCEPT_BEFORE_CHANGING]),
    ]
    assert fingerprint(world.store) == before


def test_an_ineligible_participant_cannot_get_a_funded_place(world: World) -> None:
    application = _capped(world, eligible=False, funded=False)
    errors = refused(decisions.change_funded_place, world.store, world.mine, application.id, True, NOW)
    assert errors == {"npq_application": [decisions.NOT_ELIGIBLE_TO_CHANGE]}


def test_live_declarations_block_removing_the_funded_place(world: World) -> None:
    store = world.store
    application = _capped(world)
    profile = store.npq_profiles[application.id]
    declaration = declare(store, profile, state="eligible")
    errors = refused(decisions.change_funded_place, store, world.mine, application.id, False, NOW)
    assert errors == {"npq_application": [decisions.VOID_BEFORE_UNFUNDING]}
    declaration.state = "voided"
    decisions.change_funded_place(store, world.mine, application.id, False, NOW)
    assert application.funded_place is False


def test_an_uncapped_cohort_has_no_funded_place_to_change(world: World) -> None:
    application = apply(world.store, world.mine, person(world.store), "npq-headship", 2023)
    accept(world.store, application)
    errors = refused(decisions.change_funded_place, world.store, world.mine, application.id, False, NOW)
    assert errors == {"npq_application": [decisions.UNCAPPED_COHORT]}


def test_change_funded_place_without_a_contract_is_unprocessable(world: World) -> None:
    application = _capped(world)
    world.store.npq_contracts.discard(NPQContract(world.mine.id, 2024, "npq-headship", 50))
    with pytest.raises(InvalidAction) as caught:
        decisions.change_funded_place(world.store, world.mine, application.id, True, NOW)
    assert caught.value.title == "Unprocessable request"


# -- outcomes -------------------------------------------------------------------------------------


def _completed(world: World, course: str = "npq-headship"):  # type: ignore[no-untyped-def]
    profile = enrolled(world, course, 2023)
    for kind in ("started", "retained-1", "retained-2", "completed"):
        declaration = declare(world.store, profile, kind, state="eligible")
    return profile, declaration


def report(world: World, participant_id: str, **attrs: object):  # type: ignore[no-untyped-def]
    values = {
        "course_identifier": "npq-headship",
        "state": "passed",
        "completion_date": "2024-07-15",
        **attrs,
    }
    return outcomes.create_outcome(world.store, world.mine, participant_id, now=NOW, **values)  # type: ignore[arg-type]


def test_an_outcome_goes_on_the_latest_completed_declaration(world: World) -> None:
    profile, declaration = _completed(world)
    outcome = report(world, profile.user_id)
    assert (outcome.declaration_id, outcome.state, outcome.completion_date) == (
        declaration.id,
        "passed",
        date(2024, 7, 15),
    )
    assert outcome.created_at == NOW and outcome.lead_provider_id == world.mine.id


def test_the_same_state_and_date_returns_the_latest_outcome(world: World) -> None:
    profile, declaration = _completed(world)
    first = report(world, profile.user_id)
    before = fingerprint(world.store)
    assert report(world, profile.user_id) is first
    assert fingerprint(world.store) == before
    failed = report(world, profile.user_id, state="failed")
    assert failed is not first and world.store.outcomes_of(declaration.id) == [first, failed]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, [outcomes.DATE_MISSING, outcomes.DATE_FORMAT]),
        ("", [outcomes.DATE_MISSING, outcomes.DATE_FORMAT]),
        ("15/07/2024", [outcomes.DATE_MISSING, outcomes.DATE_FORMAT]),
        ("2024-02-30", [outcomes.DATE_MISSING, outcomes.DATE_FORMAT]),
        (20240715, [outcomes.DATE_FORMAT]),
    ],
)
def test_completion_date_messages(world: World, value: object, expected: list[str]) -> None:
    profile, _ = _completed(world)
    errors = refused(report, world, profile.user_id, completion_date=value)
    assert errors == {"completion_date": expected}


def test_a_date_time_is_taken_as_its_date(world: World) -> None:
    profile, _ = _completed(world)
    assert report(world, profile.user_id, completion_date="2024-07-15T10:00:00Z").completion_date == date(
        2024, 7, 15
    )


def test_course_identifier_messages(world: World) -> None:
    profile, _ = _completed(world)
    errors = refused(report, world, profile.user_id, course_identifier=None)
    assert errors == {"course_identifier": [COURSE_NOT_RECOGNISED, COURSE_MISSING]}
    # The recognition check is skipped once another attribute failed; presence is not.
    errors = refused(report, world, profile.user_id, course_identifier="", completion_date=None)
    assert list(errors) == ["completion_date", "course_identifier"]
    assert errors["course_identifier"] == [COURSE_MISSING]
    errors = refused(report, world, "no-such-person")
    assert errors == {"course_identifier": [COURSE_NOT_RECOGNISED]}


@pytest.mark.parametrize("course", ["npq-early-headship-coaching-offer", "npq-additional-support-offer"])
def test_the_support_offers_have_no_outcome(world: World, course: str) -> None:
    profile = enrolled(world, course, 2021 if course == "npq-additional-support-offer" else 2023)
    declare(world.store, profile, "completed")
    errors = refused(report, world, profile.user_id, course_identifier=course)
    assert errors == {"course_identifier": [COURSE_NOT_RECOGNISED]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, [outcomes.STATE_MISSING, outcomes.STATE_INVALID]), ("voided", [outcomes.STATE_INVALID])],
)
def test_state_messages(world: World, value: object, expected: list[str]) -> None:
    profile, _ = _completed(world)
    assert refused(report, world, profile.user_id, state=value) == {"state": expected}


@pytest.mark.parametrize("state", ["voided", "awaiting_clawback", "clawed_back"])
def test_no_live_completed_declaration(world: World, state: str) -> None:
    profile, declaration = _completed(world)
    declaration.state = state
    assert refused(report, world, profile.user_id) == {"base": [outcomes.NO_COMPLETED_DECLARATION]}


def test_another_providers_completed_declaration_does_not_count(world: World) -> None:
    profile = enrolled(world, "npq-headship", 2023, provider=world.other)
    declare(world.store, profile, "completed", state="eligible")
    with pytest.raises(InvalidAction) as caught:
        report(world, profile.user_id)
    # The person has an NPQ record, just not this provider's: upstream's outcome has nothing to hang on.
    assert caught.value.detail == "Validation failed: Participant declaration must exist"


def test_a_future_completion_date_is_an_invalid_action(world: World) -> None:
    profile, _ = _completed(world)
    before = fingerprint(world.store)
    tomorrow = (NOW + timedelta(days=1)).date().isoformat()
    with pytest.raises(InvalidAction) as caught:
        report(world, profile.user_id, completion_date=tomorrow)
    assert (caught.value.title, caught.value.detail) == (
        "Invalid action",
        "Validation failed: " + outcomes.FUTURE_DATE,
    )
    assert fingerprint(world.store) == before
    assert (
        report(world, profile.user_id, completion_date=NOW.date().isoformat()).completion_date == NOW.date()
    )


def test_an_outcome_seen_before_is_compared_with_the_latest_only(world: World) -> None:
    profile, declaration = _completed(world)
    record_npq_outcome(
        world.store,
        declaration_id=declaration.id,
        state="passed",
        completion_date=date(2024, 7, 15),
        now=NOW - timedelta(days=3),
    )
    record_npq_outcome(
        world.store,
        declaration_id=declaration.id,
        state="voided",
        completion_date=date(2024, 7, 15),
        now=NOW - timedelta(days=2),
    )
    outcome = report(world, profile.user_id)
    assert len(world.store.outcomes_of(declaration.id)) == 3 and outcome.created_at == NOW
