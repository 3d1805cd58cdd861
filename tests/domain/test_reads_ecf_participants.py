"""ECF participants as a provider reads them (domain.md §4.1 visibility, §4.2 payloads), on hand-made
worlds: which induction record a provider sees, the statuses computed from it, and how v1/v2 and v3
present what the domain returns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sandbox.contracts import BY_NAME
from sandbox.domain.errors import NotFound
from sandbox.domain.listing import SortKey
from sandbox.domain.participants.ecf import (
    ParticipantFilter,
    get_participant,
    list_participants,
    preferred_enrolment,
)
from sandbox.domain.participants.visibility import legacy_status, participant_status
from sandbox.domain.world import registration as reg
from sandbox.domain.world.entities import InductionRecord
from sandbox.presenters import ecf_participants as present
from sandbox.presenters.formats import timestamp
from tests.domain.test_reads_world import NOW, World

JAN = datetime(2025, 1, 6, 9, tzinfo=UTC)
FEB = datetime(2025, 2, 3, 9, tzinfo=UTC)

V1, V2, V3 = BY_NAME["v1"], BY_NAME["v2"], BY_NAME["v3"]


def ids(participants) -> list[str]:
    return [p.user.id for p in participants]


def the_enrolment(world: World, provider, user_id: str):
    [enrolment] = get_participant(world.store, provider, user_id, NOW).enrolments
    return enrolment


# -- §4.1 visibility ----------------------------------------------------------------------------------


def test_a_provider_sees_only_participants_under_its_own_partnerships():
    world = World()
    mine, theirs = world.provider(), world.provider()
    user, _, _ = world.ect(world.partnership(mine))
    assert ids(list_participants(world.store, mine, ParticipantFilter(), NOW)) == [user.id]
    assert list_participants(world.store, theirs, ParticipantFilter(), NOW) == []
    with pytest.raises(NotFound):
        get_participant(world.store, theirs, user.id, NOW)


def test_a_challenged_partnership_hides_its_participants():
    world = World()
    provider = world.provider()
    partnership = world.partnership(provider)
    user, _, _ = world.ect(partnership)
    world.challenge(partnership)
    assert list_participants(world.store, provider, ParticipantFilter(), NOW) == []
    with pytest.raises(NotFound):
        get_participant(world.store, provider, user.id, NOW)


def test_a_relationship_partnership_counts_for_visibility():
    world = World()
    provider = world.provider()
    user, _, _ = world.ect(world.partnership(provider, relationship=True))
    assert ids(list_participants(world.store, provider, ParticipantFilter(), NOW)) == [user.id]


def test_the_latest_record_is_the_open_ended_one_before_a_later_started_closed_one():
    world = World()
    provider = world.provider()
    first, second = world.partnership(provider), world.partnership(provider)
    user, profile, _ = world.ect(first, start_date=JAN)
    world.add_record(profile, second, start_date=FEB, end_date=FEB + timedelta(days=200))
    assert the_enrolment(world, provider, user.id).partnership.id == first.id


def test_then_the_latest_start_wins_even_when_created_earlier():
    world = World()
    provider = world.provider()
    first, second = world.partnership(provider), world.partnership(provider)
    user, profile, _ = world.ect(first, start_date=FEB)
    world.add_record(profile, second, start_date=JAN)
    assert the_enrolment(world, provider, user.id).partnership.id == first.id


def test_then_the_latest_created_wins_between_equal_starts():
    world = World()
    provider = world.provider()
    first, second = world.partnership(provider), world.partnership(provider)
    user, profile, _ = world.ect(first, start_date=JAN)
    world.add_record(profile, second, start_date=JAN)
    assert the_enrolment(world, provider, user.id).partnership.id == second.id


def test_only_the_providers_own_records_compete_for_latest():
    world = World()
    old, new = world.provider(), world.provider()
    old_partnership = world.partnership(old)
    user, profile, _ = world.ect(old_partnership, start_date=JAN)
    world.add_record(profile, world.partnership(new), start_date=FEB)  # newer, but another provider's
    assert the_enrolment(world, old, user.id).partnership.id == old_partnership.id


def test_records_under_a_challenged_partnership_do_not_compete():
    world = World()
    provider = world.provider()
    kept, challenged = world.partnership(provider), world.partnership(provider)
    user, profile, _ = world.ect(kept, start_date=JAN)
    world.add_record(profile, challenged, start_date=FEB)
    world.challenge(challenged)
    assert the_enrolment(world, provider, user.id).partnership.id == kept.id


def test_the_old_provider_still_sees_a_transferred_participant_as_left():
    world = World()
    old, new = world.provider(), world.provider()
    user, profile, _ = world.ect(world.partnership(old), start_date=JAN - timedelta(days=90))
    world.transfer(profile, leaving_date=JAN, to=world.partnership(new), joining_date=FEB)
    assert the_enrolment(world, old, user.id).participant_status == "left"
    assert the_enrolment(world, new, user.id).participant_status == "active"
    before = datetime(2024, 12, 1, tzinfo=UTC)
    [leaving] = get_participant(world.store, old, user.id, before).enrolments
    [joining] = get_participant(world.store, new, user.id, before).enrolments
    assert (leaving.participant_status, joining.participant_status) == ("leaving", "joining")


# -- §4.2 statuses ----------------------------------------------------------------------------------


def record(**changes) -> InductionRecord:
    base = dict(
        id="r",
        profile_id="p",
        partnership_id="x",
        schedule_identifier="ecf-standard-september",
        cohort=2024,
        training_status="active",
        induction_status="active",
        start_date=NOW - timedelta(days=30),
        created_at=NOW - timedelta(days=30),
        updated_at=NOW - timedelta(days=30),
    )
    return InductionRecord(**{**base, **changes})


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"end_date": NOW + timedelta(seconds=1)}, "leaving"),
        ({"end_date": NOW}, "left"),
        ({"end_date": NOW - timedelta(days=1)}, "left"),
        ({"end_date": NOW - timedelta(days=1), "start_date": NOW + timedelta(days=1)}, "left"),
        ({"start_date": NOW + timedelta(seconds=1)}, "joining"),
        ({"start_date": NOW}, "active"),
        ({"induction_status": "completed"}, "active"),
        ({"induction_status": "withdrawn"}, "withdrawn"),
        ({"induction_status": "changed"}, "withdrawn"),
        ({"induction_status": "withdrawn", "start_date": NOW + timedelta(days=1)}, "joining"),
    ],
)
def test_participant_status_at_a_given_now(changes, expected):
    assert participant_status(record(**changes), NOW) == expected


@pytest.mark.parametrize(
    ("induction_status", "expected"),
    [
        ("active", "active"),
        ("completed", "active"),
        ("leaving", "active"),
        ("withdrawn", "withdrawn"),
        ("changed", "withdrawn"),
    ],
)
def test_v1_v2_status_from_the_induction_status(induction_status, expected):
    assert legacy_status(record(induction_status=induction_status)) == expected


def test_the_participant_status_follows_the_request_instant():
    world = World()
    provider = world.provider()
    user, profile, _ = world.ect(world.partnership(provider), start_date=JAN)
    world.transfer(profile, leaving_date=FEB)

    def at(when: datetime) -> str:
        return get_participant(world.store, provider, user.id, when).enrolments[0].participant_status

    assert (at(FEB - timedelta(seconds=1)), at(FEB)) == ("leaving", "left")


@pytest.mark.parametrize(
    ("trn", "eligibility", "reason", "validated", "eligible"),
    [
        (None, "eligible", None, None, True),
        ("1234567", None, None, False, None),
        ("1234567", "eligible", None, True, True),
        ("1234567", "ineligible", "different_trn", False, False),
        ("1234567", "ineligible", "previous_induction", True, False),
    ],
)
def test_trn_validated_and_eligible_for_funding(trn, eligibility, reason, validated, eligible):
    world = World()
    provider = world.provider()
    user, profile, _ = world.ect(world.partnership(provider), user=world.user(trn=trn))
    reg.record_eligibility(
        world.store, profile_id=profile.id, eligibility=eligibility, reason=reason, now=world.tick()
    )
    enrolment = the_enrolment(world, provider, user.id)
    for attrs in (
        present.row_attributes(enrolment, V1),
        present.participant_item(get_participant(world.store, provider, user.id, NOW), V3)["attributes"][
            "ecf_enrolments"
        ][0],
    ):
        assert attrs["teacher_reference_number_validated"] is validated
        assert attrs["eligible_for_funding"] is eligible


# -- §4.2 shapes ------------------------------------------------------------------------------------


@pytest.fixture
def dual():
    """A user who is a mentor (registered first) and an ECT with the same provider."""
    world = World()
    provider = world.provider()
    partnership = world.partnership(provider)
    user, mentor, _ = world.mentor(partnership)
    _, ect, _ = world.ect(world.partnership(provider), user=user)
    return world, provider, user, mentor, ect


def test_v1_v2_read_one_user_as_their_ect_profile(dual):
    world, provider, user, _, ect = dual
    participant = get_participant(world.store, provider, user.id, NOW)
    assert [e.profile.participant_type for e in participant.enrolments] == ["mentor", "ect"]
    item = present.row_item(preferred_enrolment(participant), V1)
    assert (item["id"], item["attributes"]["participant_type"], item["attributes"]["training_record_id"]) == (
        user.id,
        "ect",
        ect.id,
    )


def test_v1_v2_list_one_row_per_profile_and_v3_one_item_per_user(dual):
    world, provider, user, mentor, ect = dual
    participants = list_participants(world.store, provider, ParticipantFilter(), NOW)
    legacy = [present.render(u, V1) for u in present.units(participants, V1)]
    assert [(i["id"], i["attributes"]["training_record_id"]) for i in legacy] == [
        (user.id, mentor.id),
        (user.id, ect.id),
    ]
    [v3] = [present.render(u, V3) for u in present.units(participants, V3)]
    assert [e["training_record_id"] for e in v3["attributes"]["ecf_enrolments"]] == [mentor.id, ect.id]
    assert [row["id"] for row in present.csv_rows(participants, V1)] == [user.id, user.id]


def test_a_cohort_filter_picks_rows_in_v1_v2_but_v3_shows_every_enrolment_of_a_picked_user():
    world = World()
    provider = world.provider()
    user, mentor, _ = world.mentor(world.partnership(provider, cohort=2023))
    _, ect, _ = world.ect(world.partnership(provider, cohort=2024), user=user)
    participants = list_participants(world.store, provider, ParticipantFilter(cohorts=[2024]), NOW)
    assert [e.profile.id for e in present.units(participants, V2)] == [ect.id]
    [v3] = present.units(participants, V3)
    assert [e.profile.id for e in v3.enrolments] == [mentor.id, ect.id]
    assert list_participants(world.store, provider, ParticipantFilter(cohorts=[2022, 2025]), NOW) == []
    both = list_participants(world.store, provider, ParticipantFilter(cohorts=[2023, 2024]), NOW)
    assert len(present.units(both, V1)) == 2


def test_the_training_status_filter_reads_the_providers_record():
    world = World()
    provider = world.provider()
    partnership = world.partnership(provider)
    active, _, _ = world.ect(partnership)
    withdrawn, profile, _ = world.ect(partnership)
    world.training_status(profile, provider, "withdrawn", "moved-school")

    def listed(status: str) -> list[str]:
        return ids(list_participants(world.store, provider, ParticipantFilter(training_status=status), NOW))

    assert (listed("active"), listed("withdrawn"), listed("deferred")) == ([active.id], [withdrawn.id], [])


def test_updated_since_is_inclusive_and_orders_by_updated_at_as_v1_v2_do():
    world = World()
    provider = world.provider()
    partnership = world.partnership(provider)
    older, older_profile, _ = world.ect(partnership)
    newer, _, _ = world.ect(partnership)
    reg.record_eligibility(world.store, profile_id=older_profile.id, eligibility="eligible", now=world.tick())
    assert ids(list_participants(world.store, provider, ParticipantFilter(), NOW)) == [older.id, newer.id]
    since = newer.updated_at
    assert ids(list_participants(world.store, provider, ParticipantFilter(updated_since=since), NOW)) == [
        newer.id,
        older.id,
    ]
    after = older.updated_at
    assert ids(list_participants(world.store, provider, ParticipantFilter(updated_since=after), NOW)) == [
        older.id
    ]
    later = after + timedelta(microseconds=1)
    assert list_participants(world.store, provider, ParticipantFilter(updated_since=later), NOW) == []


def test_sort_by_user_columns_overrides_the_default_order():
    world = World()
    provider = world.provider()
    partnership = world.partnership(provider)
    first, _, _ = world.ect(partnership)
    second, _, _ = world.ect(partnership)
    flt = ParticipantFilter()
    assert ids(
        list_participants(world.store, provider, flt, NOW, [SortKey("created_at", descending=True)])
    ) == [
        second.id,
        first.id,
    ]
    assert ids(list_participants(world.store, provider, flt, NOW, [SortKey("nonsense")])) == [
        first.id,
        second.id,
    ]


def test_from_participant_id_finds_the_survivor_of_a_merge():
    world = World()
    provider = world.provider()
    partnership = world.partnership(provider)
    survivor, _, _ = world.ect(partnership)
    retired, _, _ = world.mentor(partnership)
    world.ect(partnership)
    reg.merge_users(world.store, from_user_id=retired.id, to_user_id=survivor.id, now=world.tick())
    [found] = list_participants(world.store, provider, ParticipantFilter(from_participant_id=retired.id), NOW)
    assert found.user.id == survivor.id
    change = present.participant_item(found, V3)["attributes"]["participant_id_changes"]
    assert change == [
        {
            "from_participant_id": retired.id,
            "to_participant_id": survivor.id,
            "changed_at": timestamp(world.clock),
        }
    ]


def test_enrolment_fields_come_from_the_providers_latest_record():
    world = World()
    provider = world.provider()
    partnership = world.partnership(provider)
    mentor_user, mentor, _ = world.mentor(partnership)
    user, ect, _ = world.ect(partnership, mentor=mentor, preferred_email="work@example.com")
    participant = get_participant(world.store, provider, user.id, NOW)
    [attrs] = present.participant_item(participant, V3)["attributes"]["ecf_enrolments"]
    assert attrs["mentor_id"] == mentor_user.id
    assert attrs["email"] == "work@example.com"
    assert attrs["school_urn"] == world.store.schools[partnership.school_id].urn
    assert attrs["delivery_partner_id"] == partnership.delivery_partner_id
    assert attrs["cohort"] == "2024" and attrs["schedule_identifier"] == "ecf-standard-september"
    assert attrs["mentor_ineligible_for_funding_reason"] is None
    [mentor_attrs] = present.participant_item(
        get_participant(world.store, provider, mentor_user.id, NOW), V3
    )["attributes"]["ecf_enrolments"]
    assert mentor_attrs["mentor_id"] is None and mentor_attrs["email"] == mentor_user.email


def test_withdrawal_shows_the_providers_own_latest_withdrawal_only_while_withdrawn():
    world = World()
    provider = world.provider()
    user, profile, _ = world.ect(world.partnership(provider))
    world.training_status(profile, provider, "deferred", "parental-leave")
    enrolment = the_enrolment(world, provider, user.id)
    assert (enrolment.withdrawal, enrolment.deferral.reason) == (None, "parental-leave")
    state = world.training_status(profile, provider, "withdrawn", "moved-school")
    enrolment = the_enrolment(world, provider, user.id)
    assert (enrolment.withdrawal, enrolment.deferral) == (state, None)
    world.training_status(profile, provider, "active")
    enrolment = the_enrolment(world, provider, user.id)
    assert (enrolment.withdrawal, enrolment.deferral) == (None, None)


def test_updated_at_is_the_latest_of_user_profile_and_record():
    world = World()
    provider = world.provider()
    user, profile, record = world.ect(world.partnership(provider))
    later = world.tick()
    record.updated_at = later  # a record stamp the chain did not carry upwards
    enrolment = the_enrolment(world, provider, user.id)
    assert present.row_attributes(enrolment, V1)["updated_at"] == timestamp(later)
    assert present.participant_item(get_participant(world.store, provider, user.id, NOW), V3)["attributes"][
        "updated_at"
    ] == timestamp(later)
