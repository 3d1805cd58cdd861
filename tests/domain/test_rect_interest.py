"""People registered with an expression of interest (rect.md §5.1, §5.4, §6.4): who sees them, what sets a
school's `expression_of_interest` and its tutor fields, and what confirming a partnership does to them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from sandbox.domain.errors import NotFound
from sandbox.domain.participants.ecf import get_participant
from sandbox.domain.partnerships import rect_rules
from sandbox.domain.partnerships.reads import SchoolFilter, get_school
from sandbox.domain.world.interest import (
    link_interest_period,
    record_interest_registration,
    waiting_periods,
)
from sandbox.domain.world.registration import (
    add_partnership,
    add_provider_relationship,
    create_user,
    merge_users,
)
from tests.domain.ecf_world import NOW, World, build

LONDON = ZoneInfo("Europe/London")
REGISTERED = datetime(2025, 7, 10, 9, tzinfo=UTC)
STARTS = datetime(2025, 9, 1, tzinfo=UTC)


@pytest.fixture
def world() -> World:
    w = build()
    for provider in (w.provider, w.other):
        add_provider_relationship(
            w.store, lead_provider_id=provider.id, delivery_partner_id=w.delivery_partner_id, cohort=2025
        )
    return w


def register(world: World, role: str = "ect", provider=None, school=None, **extra):
    user = create_user(
        world.store,
        full_name="Ada Byron",
        email="ada@example.org",
        teacher_reference_number=None,
        now=REGISTERED,
    )
    period = record_interest_registration(
        world.store,
        user_id=user.id,
        school_id=(school or world.school).id,
        lead_provider_id=(provider or world.provider).id,
        participant_type=role,
        cohort=2025,
        start_date=STARTS,
        now=REGISTERED,
        **extra,
    )
    return user, period


def shown(world: World, provider) -> tuple[bool, str | None]:
    view = get_school(world.store, world.school.id, SchoolFilter(cohort=2025, lead_provider_id=provider.id))
    return view.expression_of_interest, view.induction_tutor_name


def partner(world: World, provider):
    body = {"cohort": "2025", "school_id": world.school.id, "delivery_partner_id": world.delivery_partner_id}
    return rect_rules.create_partnership(world.store, provider, NOW, LONDON, **body)


def tutored(world: World) -> World:
    world.school.induction_tutor_name, world.school.induction_tutor_email = "Sam Tutor", "sam@example.net"
    return world


def test_a_registered_person_is_nobodys_participant_but_sets_the_chosen_providers_flag(world):
    tutored(world)
    user, _ = register(world)
    with pytest.raises(NotFound):
        get_participant(world.store, world.provider, user.id, NOW)
    assert shown(world, world.provider) == (True, "Sam Tutor")
    assert shown(world, world.other) == (False, None)
    choice = world.store.school_cohorts[(world.school.id, 2025)]
    assert choice.induction_programme_choice == "full_induction_programme"


def test_an_empty_partnership_sets_no_flag_and_names_no_tutor(world):
    tutored(world)
    add_partnership(
        world.store,
        lead_provider_id=world.provider.id,
        school_id=world.school.id,
        delivery_partner_id=world.delivery_partner_id,
        cohort=2025,
        now=NOW,
    )
    assert shown(world, world.provider) == (False, None)


def test_confirming_the_partnership_takes_on_the_waiting_people_of_that_provider_only(world):
    ect, _ = register(world, working_pattern="part_time")
    mentor, _ = register(world, "mentor")
    elsewhere, _ = register(world, provider=world.other)
    made = partner(world, world.provider)
    assert waiting_periods(world.store, made) == []
    seen = get_participant(world.store, world.provider, ect.id, NOW)
    record = next(r for r in world.store.records_on(made.id) if r.profile_id == seen.enrolments[0].profile.id)
    assert record.start_date == STARTS and record.created_at == REGISTERED
    profile = world.store.ecf_profiles[record.profile_id]
    assert (profile.participant_type, profile.cohort, profile.working_pattern) == ("ect", 2025, "part_time")
    assert seen.user.updated_at == NOW
    assert get_participant(world.store, world.provider, mentor.id, NOW).user.id == mentor.id
    with pytest.raises(NotFound):
        get_participant(world.store, world.provider, elsewhere.id, NOW)
    with pytest.raises(NotFound):
        get_participant(world.store, world.other, elsewhere.id, NOW)
    # The other provider's own partnership later takes on its own person.
    partner(world, world.other)
    assert get_participant(world.store, world.other, elsewhere.id, NOW).user.id == elsewhere.id


def test_someone_registered_after_the_partnership_joins_it_at_once(world):
    # Upstream's `Schools::RegisterECT` takes the earliest matching school partnership when one exists,
    # and records an expression of interest only when none does.
    made = partner(world, world.provider)
    user, period = register(world)
    assert waiting_periods(world.store, made) == []
    assert world.store.induction_records[period.record_id].partnership_id == made.id
    assert get_participant(world.store, world.provider, user.id, NOW).user.id == user.id


def test_a_registration_with_another_providers_partnership_at_the_school_keeps_waiting(world):
    theirs = partner(world, world.other)
    user, period = register(world)
    assert period.record_id is None and waiting_periods(world.store, theirs) == []
    with pytest.raises(NotFound):
        get_participant(world.store, world.provider, user.id, NOW)


def test_a_period_joins_only_its_own_schools_providers_and_years_partnership(world):
    _, period = register(world)
    theirs = add_partnership(
        world.store,
        lead_provider_id=world.other.id,
        school_id=world.school.id,
        delivery_partner_id=world.delivery_partner_id,
        cohort=2025,
        now=NOW,
    )
    with pytest.raises(ValueError, match="own school"):
        link_interest_period(world.store, period_id=period.id, partnership_id=theirs.id, now=NOW)
    assert period.record_id is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"participant_type": "governor"}, "participant type"),
        ({"schedule_identifier": "ecf-replacement-september"}, "not valid"),
        ({"participant_type": "mentor", "working_pattern": "full_time"}, "working pattern"),
    ],
)
def test_a_registration_the_world_cannot_hold_is_refused(world, extra, message):
    role = extra.pop("participant_type", "ect")
    before = dict(world.store.interest_periods)
    with pytest.raises(ValueError, match=message):
        register(world, role, **extra)
    assert dict(world.store.interest_periods) == before


def test_the_interest_survives_the_partnership_and_later_years_know_nothing_of_it(world):
    tutored(world)
    register(world)
    partner(world, world.provider)
    assert shown(world, world.provider) == (True, "Sam Tutor")
    later = get_school(
        world.store, world.school.id, SchoolFilter(cohort=2025 + 1, lead_provider_id=world.provider.id)
    )
    assert (later.expression_of_interest, later.induction_tutor_email) == (False, None)


def test_a_merged_person_keeps_their_interest_and_joins_in_the_role_they_already_train_in(world):
    waiting, _ = register(world)
    trained = world.enrol(2024)  # an ECT elsewhere: the same person, registered twice by mistake
    merge_users(world.store, from_user_id=waiting.id, to_user_id=trained.user_id, now=REGISTERED)
    made = partner(world, world.provider)
    (record,) = world.store.records_on(made.id)
    assert record.profile_id == trained.profile.id
    seen = get_participant(world.store, world.provider, trained.user_id, NOW)
    assert [e.profile.id for e in seen.enrolments] == [trained.profile.id]
