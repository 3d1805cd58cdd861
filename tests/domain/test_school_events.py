"""School- and DfE-side events about ECF people (school_events, dfe_events), on a small hand-made world:
what each changes, how providers then read it, and that a refusal changes nothing and draws no id."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from sandbox.domain.errors import NotFound, NotPermitted, ValidationFailed
from sandbox.domain.events import dfe as dfe_events
from sandbox.domain.events import school as school_events
from sandbox.domain.events.school import Gate
from sandbox.domain.participants.ecf import ParticipantFilter, get_participant, list_participants
from sandbox.domain.participants.transfers import list_transfers
from sandbox.domain.participants.unfunded_mentors import list_unfunded_mentors
from sandbox.domain.participants.visibility import legacy_status
from sandbox.domain.world.entities import ECFProfile, LeadProvider, Partnership
from sandbox.domain.world.reference import ReferenceData
from sandbox.domain.world.registration import (
    add_partnership,
    add_provider_relationship,
    create_delivery_partner,
    create_lead_provider,
    create_school,
    create_user,
    record_challenge,
    record_registration,
)
from sandbox.store import Store

REFERENCE = ReferenceData.load()
BUILT = datetime(2024, 5, 1, 9, tzinfo=UTC)
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
LATER = datetime(2026, 12, 1, 8, tzinfo=UTC)


@dataclass
class World:
    store: Store
    mine: LeadProvider
    theirs: LeadProvider
    home: Partnership  # mine, 2024
    second_school: Partnership  # mine, 2024, another school
    elsewhere: Partnership  # theirs, 2024
    challenged: Partnership  # theirs, 2024, challenged
    earlier: Partnership  # mine, 2023
    ect: ECFProfile  # at home
    mentor: ECFProfile  # at home
    their_mentor: ECFProfile  # elsewhere

    def user(self, profile: ECFProfile) -> Any:
        return self.store.users[profile.user_id]


def _enrol(store: Store, partnership: Partnership, kind: str, name: str) -> ECFProfile:
    user = create_user(
        store, full_name=name, email=f"{name.lower()}@example.com", teacher_reference_number=None, now=BUILT
    )
    profile, _ = record_registration(
        store, user_id=user.id, participant_type=kind, partnership_id=partnership.id, now=BUILT
    )
    return profile


@pytest.fixture
def world() -> World:
    store = Store(REFERENCE, seed=3)
    mine = create_lead_provider(store, name="Mine", token="mine", has_ecf=True, has_npq=False, now=BUILT)
    theirs = create_lead_provider(
        store, name="Theirs", token="theirs", has_ecf=True, has_npq=False, now=BUILT
    )
    partner = create_delivery_partner(store, name="Partner", now=BUILT)
    schools = [create_school(store, name=f"School {n}", urn=f"10000{n}", now=BUILT) for n in range(4)]
    for lead in (mine, theirs):
        for cohort in (2023, 2024):
            add_provider_relationship(
                store, lead_provider_id=lead.id, delivery_partner_id=partner.id, cohort=cohort
            )

    def partnership(lead: LeadProvider, school: int, cohort: int = 2024) -> Partnership:
        return add_partnership(
            store,
            lead_provider_id=lead.id,
            school_id=schools[school].id,
            delivery_partner_id=partner.id,
            cohort=cohort,
            now=BUILT,
        )

    home, second, elsewhere, challenged = (
        partnership(mine, 0),
        partnership(mine, 1),
        partnership(theirs, 2),
        partnership(theirs, 3),
    )
    record_challenge(store, partnership_id=challenged.id, reason="mistake", now=BUILT)
    earlier = partnership(mine, 0, 2023)
    ect = _enrol(store, home, "ect", "Ada")
    mentor = _enrol(store, home, "mentor", "Mo")
    their_mentor = _enrol(store, elsewhere, "mentor", "Tess")
    return World(store, mine, theirs, home, second, elsewhere, challenged, earlier, ect, mentor, their_mentor)


def snapshot(store: Store) -> Any:
    """Everything a refused event must leave as it was, the id source included."""
    return copy.deepcopy(
        (
            store.users,
            store.ecf_profiles,
            store.induction_records,
            store.retired_user_ids,
            store.rng.getstate(),
        )
    )


def refused(world: World, event: Any, *args: Any) -> dict[str, list[str]]:
    before = snapshot(world.store)
    with pytest.raises(ValidationFailed) as caught:
        event(world.store, Gate.open_at(NOW), *args)
    assert snapshot(world.store) == before
    return caught.value.errors


def visible_ids(world: World, provider: LeadProvider, **flt: Any) -> set[str]:
    found = list_participants(world.store, provider, ParticipantFilter(**flt), NOW)
    return {p.user.id for p in found}


# -- registering ----------------------------------------------------------------------------------


def test_a_new_person_registered_under_a_partnership_is_listed_for_its_provider_only(world: World) -> None:
    event = school_events.register_participant(
        world.store,
        Gate.open_at(NOW),
        {
            "partnership_id": world.home.id,
            "participant_type": "ect",
            "full_name": "Nia New",
            "email": "nia@example.com",
            "teacher_reference_number": "1234567",
            "mentor_id": world.user(world.mentor).id,
        },
    )
    user, (profile,), (record,) = event.user, event.profiles, event.records
    assert (profile.cohort, profile.schedule_identifier, profile.eligibility) == (
        2024,
        "ecf-standard-september",
        None,
    )
    assert (record.partnership_id, record.start_date, record.mentor_profile_id) == (
        world.home.id,
        NOW,
        world.mentor.id,
    )
    assert user.teacher_reference_number == "1234567" and user.updated_at == NOW
    assert event.lead_provider_ids == (world.mine.id,)
    # Linking the mentor touched them, so the mentor's own syncs pick the change up.
    assert event.touched_user_ids == (world.mentor.user_id,) and world.user(world.mentor).updated_at == NOW
    assert user.id in visible_ids(world, world.mine, updated_since=NOW)
    assert user.id not in visible_ids(world, world.theirs)


def test_an_existing_person_gains_a_second_training_record(world: World) -> None:
    event = school_events.register_participant(
        world.store,
        Gate.open_at(NOW),
        {
            "partnership_id": world.elsewhere.id,
            "participant_type": "ect",
            "participant_id": world.user(world.mentor).id,
            "schedule_identifier": "ecf-extended-september",
            "start_date": "2027-01-04",
        },
    )
    assert event.user.id == world.mentor.user_id
    assert {p.participant_type for p in world.store.ecf_profiles_of(event.user.id)} == {"ect", "mentor"}
    assert event.records[0].start_date == datetime(2027, 1, 4, tzinfo=UTC)
    # Not started yet: the new provider sees them joining.
    participant = get_participant(world.store, world.theirs, event.user.id, NOW)
    assert [e.participant_status for e in participant.enrolments] == ["joining"]


def test_registration_refusals_name_every_attribute_and_change_nothing(world: World) -> None:
    errors = refused(
        world, school_events.register_participant, {"partnership_id": "nope", "participant_type": "boss"}
    )
    assert list(errors) == ["partnership_id", "participant_type", "full_name", "email"]
    errors = refused(
        world,
        school_events.register_participant,
        {
            "partnership_id": world.challenged.id,
            "participant_type": "mentor",
            "full_name": "X",
            "email": "ADA@example.com",
            "teacher_reference_number": "12",
            "mentor_id": world.user(world.mentor).id,
            "start_date": "2024-02-30",
        },
    )
    assert errors == {
        "partnership_id": ["The school has challenged this partnership: it cannot take participants."],
        "email": ["Another participant has this email: register them by their '#/participant_id'."],
        "teacher_reference_number": ["A '#/teacher_reference_number' has 7 digits."],
        "mentor_id": ["Only an ECT has a mentor."],
        "start_date": ["Give '#/start_date' as a date: YYYY-MM-DD."],
    }


def test_an_existing_person_is_refused_a_second_record_of_the_same_kind_or_a_bad_schedule(
    world: World,
) -> None:
    errors = refused(
        world,
        school_events.register_participant,
        {
            "partnership_id": world.home.id,
            "participant_type": "ect",
            "participant_id": world.user(world.ect).id,
            "full_name": "Again",
        },
    )
    assert errors["participant_id"] == [
        "The participant already has an ECT training record.",
        "Give either '#/participant_id' (an existing person) or their details (a new one), not both.",
    ]
    errors = refused(
        world,
        school_events.register_participant,
        {
            "partnership_id": world.home.id,
            "participant_type": "ect",
            "participant_id": world.user(world.mentor).id,
            "schedule_identifier": "ecf-replacement-september",
        },
    )
    assert errors == {"schedule_identifier": ["Selected schedule is not valid for the course"]}


def test_the_gate_refuses_before_anything_changes(world: World) -> None:
    asked: list[set[str]] = []

    def refuse(ids: set[str]) -> None:
        asked.append(ids)
        raise NotPermitted("no")

    gate = Gate(refuse, lambda _p: NOW)
    before = snapshot(world.store)
    with pytest.raises(NotPermitted):
        school_events.register_participant(
            world.store, gate, {"partnership_id": world.elsewhere.id, "participant_type": "ect"}
        )
    with pytest.raises(NotPermitted):
        school_events.transfer_participant(
            world.store, gate, world.ect.id, {"to_partnership_id": world.elsewhere.id}
        )
    assert asked == [{world.theirs.id}, {world.mine.id, world.theirs.id}]
    assert snapshot(world.store) == before


# -- eligibility ----------------------------------------------------------------------------------


def test_eligibility_uplifts_and_trn_are_set_and_touch_the_participant(world: World) -> None:
    event = dfe_events.set_eligibility(
        world.store,
        Gate.open_at(LATER),
        world.ect.id,
        {
            "eligibility": "eligible",
            "teacher_reference_number": "7654321",
            "teacher_reference_number_validated": True,
            "pupil_premium_uplift": True,
        },
    )
    profile = event.profiles[0]
    assert (profile.eligibility, profile.ineligibility_reason, profile.pupil_premium_uplift) == (
        "eligible",
        None,
        True,
    )
    assert profile.sparsity_uplift is False
    assert event.user.teacher_reference_number == "7654321"
    assert profile.updated_at == event.user.updated_at == LATER
    assert event.lead_provider_ids == (world.mine.id,)


def test_an_unvalidated_trn_makes_a_checked_participant_ineligible_for_a_different_trn(world: World) -> None:
    gate = Gate.open_at(NOW)
    dfe_events.set_eligibility(
        world.store, gate, world.ect.id, {"eligibility": "eligible", "teacher_reference_number": "1111111"}
    )
    dfe_events.set_eligibility(world.store, gate, world.ect.id, {"teacher_reference_number_validated": False})
    assert (world.ect.eligibility, world.ect.ineligibility_reason) == ("ineligible", "different_trn")
    dfe_events.set_eligibility(
        world.store, gate, world.ect.id, {"eligibility": "ineligible", "reason": "no_qts"}
    )
    assert (world.ect.eligibility, world.ect.ineligibility_reason) == ("ineligible", "no_qts")


def test_eligibility_refusals(world: World) -> None:
    assert refused(world, dfe_events.set_eligibility, world.ect.id, {}) == {
        "base": [
            "Give at least one of: eligibility, reason, teacher_reference_number, "
            "teacher_reference_number_validated, pupil_premium_uplift, sparsity_uplift."
        ]
    }
    errors = refused(
        world,
        dfe_events.set_eligibility,
        world.ect.id,
        {
            "eligibility": "maybe",
            "reason": "bored",
            "teacher_reference_number": "abc",
            "sparsity_uplift": "yes",
        },
    )
    assert list(errors) == ["eligibility", "reason", "teacher_reference_number", "sparsity_uplift"]
    errors = refused(
        world, dfe_events.set_eligibility, world.ect.id, {"eligibility": "eligible", "reason": "no_qts"}
    )
    assert errors == {"reason": ["Only an ineligible participant has a '#/reason'."]}
    errors = refused(
        world, dfe_events.set_eligibility, world.ect.id, {"teacher_reference_number_validated": True}
    )
    assert errors == {
        "teacher_reference_number_validated": [
            "The eligibility check validates the TRN: give '#/eligibility' too."
        ],
        "teacher_reference_number": ["Only a '#/teacher_reference_number' can be validated."],
    }
    errors = refused(
        world,
        dfe_events.set_eligibility,
        world.ect.id,
        {
            "eligibility": "eligible",
            "teacher_reference_number": "1234567",
            "teacher_reference_number_validated": False,
        },
    )
    assert errors == {
        "teacher_reference_number_validated": ["A participant whose TRN is not validated cannot be eligible."]
    }
    with pytest.raises(NotFound):
        dfe_events.set_eligibility(world.store, Gate.open_at(NOW), "nope", {"eligibility": None})


def test_an_unchanged_eligibility_touches_nothing(world: World) -> None:
    dfe_events.set_eligibility(world.store, Gate.open_at(NOW), world.ect.id, {"eligibility": "eligible"})
    dfe_events.set_eligibility(world.store, Gate.open_at(LATER), world.ect.id, {"eligibility": "eligible"})
    assert world.ect.updated_at == world.user(world.ect).updated_at == NOW


# -- transfers ------------------------------------------------------------------------------------


def test_a_move_to_another_provider_shows_to_both_as_a_new_provider_transfer(world: World) -> None:
    event = school_events.transfer_participant(
        world.store,
        Gate.open_at(NOW),
        world.ect.id,
        {
            "to_partnership_id": world.elsewhere.id,
            "leaving_date": "2026-12-20",
            "joining_date": "2027-01-04",
            "mentor_id": world.user(world.their_mentor).id,
        },
    )
    leaving, joining = event.records
    assert (leaving.induction_status, leaving.end_date) == ("leaving", datetime(2026, 12, 20, tzinfo=UTC))
    assert (joining.partnership_id, joining.school_transfer, joining.start_date) == (
        world.elsewhere.id,
        True,
        datetime(2027, 1, 4, tzinfo=UTC),
    )
    assert event.lead_provider_ids == tuple(sorted({world.mine.id, world.theirs.id}))
    assert event.touched_user_ids == (world.their_mentor.user_id,)
    for provider in (world.mine, world.theirs):
        (moved,) = list_transfers(world.store, provider, NOW, NOW.date())
        (transfer,) = moved.transfers
        assert (transfer.transfer_type, transfer.status) == ("new_provider", "incomplete")
        assert (transfer.leaving.date, transfer.joining.date) == (date(2026, 12, 20), date(2027, 1, 4))
    # The old provider keeps the participant as leaving (v1/v2 still `active`); the new one sees them joining.
    (old,) = get_participant(world.store, world.mine, event.user.id, NOW).enrolments
    (new,) = get_participant(world.store, world.theirs, event.user.id, NOW).enrolments
    assert (old.participant_status, legacy_status(old.record)) == ("leaving", "active")
    assert new.participant_status == "joining"


def test_a_move_within_the_provider_and_a_move_to_an_unknown_school(world: World) -> None:
    event = school_events.transfer_participant(
        world.store, Gate.open_at(NOW), world.ect.id, {"to_partnership_id": world.second_school.id}
    )
    assert event.records[0].end_date == event.records[1].start_date == datetime(2026, 11, 27, tzinfo=UTC)
    (moved,) = list_transfers(world.store, world.mine, None, NOW.date())
    assert [(t.transfer_type, t.status) for t in moved.transfers] == [("new_school", "complete")]
    event = school_events.transfer_participant(world.store, Gate.open_at(NOW), world.mentor.id, {})
    assert [r.induction_status for r in event.records] == ["leaving"]
    transfers = {m.user.id: m.transfers for m in list_transfers(world.store, world.mine, None, NOW.date())}
    assert [t.transfer_type for t in transfers[world.mentor.user_id]] == ["unknown"]


def test_transfer_refusals(world: World) -> None:
    errors = refused(
        world,
        school_events.transfer_participant,
        world.ect.id,
        {"to_partnership_id": world.earlier.id, "leaving_date": "2020-01-01"},
    )
    assert errors == {
        "to_partnership_id": ["The participant's cohort is 2024: give the new school's partnership for it."],
        "leaving_date": ["The '#/leaving_date' is before the participant started at the school."],
    }
    errors = refused(
        world,
        school_events.transfer_participant,
        world.ect.id,
        {"to_partnership_id": world.home.id, "leaving_date": "2026-12-01", "joining_date": "2026-11-30"},
    )
    assert errors == {
        "to_partnership_id": ["The participant is already at this school."],
        "joining_date": ["The '#/joining_date' is before the '#/leaving_date'."],
    }
    assert refused(
        world, school_events.transfer_participant, world.ect.id, {"joining_date": "2027-01-01"}
    ) == {"joining_date": ["A '#/joining_date' needs the new school's '#/to_partnership_id'."]}
    school_events.transfer_participant(world.store, Gate.open_at(NOW), world.ect.id, {})
    assert refused(world, school_events.transfer_participant, world.ect.id, {}) == {
        "base": ["The participant is not at a school now: their induction record is leaving."]
    }


# -- induction status -----------------------------------------------------------------------------


def test_a_school_withdrawal_closes_the_record_now(world: World) -> None:
    event = school_events.change_induction_status(
        world.store, Gate.open_at(NOW), world.ect.id, {"induction_status": "withdrawn"}
    )
    (record,) = event.records
    assert (record.induction_status, record.end_date, record.training_status) == ("withdrawn", NOW, "active")
    assert world.user(world.ect).updated_at == world.ect.updated_at == record.updated_at == NOW
    (enrolment,) = get_participant(world.store, world.mine, world.ect.user_id, LATER).enrolments
    assert (legacy_status(enrolment.record), enrolment.participant_status) == ("withdrawn", "left")
    event = school_events.change_induction_status(
        world.store, Gate.open_at(LATER), world.ect.id, {"induction_status": "active"}
    )
    assert (event.records[0].induction_status, event.records[0].end_date) == ("active", None)


def test_leaving_with_a_date_ahead_and_completing(world: World) -> None:
    school_events.change_induction_status(
        world.store,
        Gate.open_at(NOW),
        world.ect.id,
        {"induction_status": "leaving", "end_date": "2027-03-31"},
    )
    (enrolment,) = get_participant(world.store, world.mine, world.ect.user_id, NOW).enrolments
    assert (legacy_status(enrolment.record), enrolment.participant_status) == ("active", "leaving")
    school_events.change_induction_status(
        world.store, Gate.open_at(NOW), world.mentor.id, {"induction_status": "completed"}
    )
    (enrolment,) = get_participant(world.store, world.mine, world.mentor.user_id, NOW).enrolments
    assert (enrolment.record.end_date, enrolment.participant_status) == (None, "active")


def test_induction_status_refusals(world: World) -> None:
    assert refused(
        world, school_events.change_induction_status, world.ect.id, {"induction_status": "active"}
    ) == {"induction_status": ["The induction record is already active."]}
    errors = refused(
        world,
        school_events.change_induction_status,
        world.ect.id,
        {"induction_status": "gone", "end_date": "x"},
    )
    assert list(errors) == ["induction_status", "end_date"]
    errors = refused(
        world,
        school_events.change_induction_status,
        world.ect.id,
        {"induction_status": "active", "end_date": "2027-01-01"},
    )
    assert errors == {
        "end_date": ["An active induction record has no '#/end_date'."],
        "induction_status": ["The induction record is already active."],
    }


# -- mentors --------------------------------------------------------------------------------------


def test_assigning_and_replacing_a_mentor_touches_both_mentors(world: World) -> None:
    event = school_events.assign_mentor(
        world.store, Gate.open_at(NOW), world.ect.id, {"mentor_id": world.user(world.their_mentor).id}
    )
    assert event.records[0].mentor_profile_id == world.their_mentor.id
    # Another provider's mentor trains none of mine: an unfunded mentor of mine now.
    assert [m.user.id for m in list_unfunded_mentors(world.store, world.mine, NOW)] == [
        world.their_mentor.user_id
    ]
    event = school_events.assign_mentor(
        world.store, Gate.open_at(LATER), world.ect.id, {"mentor_id": world.user(world.mentor).id}
    )
    assert event.touched_user_ids == (world.mentor.user_id, world.their_mentor.user_id)
    assert world.user(world.their_mentor).updated_at == world.user(world.mentor).updated_at == LATER
    assert list_unfunded_mentors(world.store, world.mine, None) == []
    again = school_events.assign_mentor(
        world.store,
        Gate.open_at(datetime(2027, 1, 1, tzinfo=UTC)),
        world.ect.id,
        {"mentor_id": world.mentor.user_id},
    )
    assert again.records == () and world.ect.updated_at == LATER
    school_events.assign_mentor(world.store, Gate.open_at(LATER), world.ect.id, {"mentor_id": None})
    assert world.store.records_of(world.ect.id)[0].mentor_profile_id is None


def test_mentor_refusals(world: World) -> None:
    assert refused(world, school_events.assign_mentor, world.mentor.id, {"mentor_id": world.ect.user_id}) == {
        "base": ["Only an ECT has a mentor."],
        "mentor_id": ["No mentor has the '#/mentor_id' you gave."],
    }
    assert refused(world, school_events.assign_mentor, world.ect.id, {}) == {
        "mentor_id": ["Give '#/mentor_id': a mentor's participant id, or null to remove the mentor."]
    }


# -- merges ---------------------------------------------------------------------------------------


def test_a_merged_duplicate_moves_to_the_survivor_and_its_id_still_resolves(world: World) -> None:
    duplicate, survivor = world.ect.user_id, world.their_mentor.user_id
    event = dfe_events.merge_participants(
        world.store, Gate.open_at(NOW), duplicate, {"into_participant_id": survivor}
    )
    assert event.user.id == survivor
    assert [
        (c.from_participant_id, c.to_participant_id, c.changed_at) for c in event.user.participant_id_changes
    ] == [(duplicate, survivor, NOW)]
    assert {p.id for p in event.profiles} == {world.ect.id, world.their_mentor.id}
    assert world.store.resolve_user_id(duplicate) == survivor and duplicate not in world.store.users
    assert event.lead_provider_ids == tuple(sorted({world.mine.id, world.theirs.id}))
    assert survivor in visible_ids(world, world.mine, from_participant_id=duplicate)
    # Refused now: the id is retired; an unknown one is not found.
    assert refused(world, dfe_events.merge_participants, duplicate, {"into_participant_id": survivor}) == {
        "participant_id": [f"This participant has already been merged into {survivor}."]
    }
    with pytest.raises(NotFound):
        dfe_events.merge_participants(
            world.store, Gate.open_at(NOW), "nope", {"into_participant_id": survivor}
        )


def test_merge_refusals(world: World) -> None:
    ect_user = world.ect.user_id
    assert refused(world, dfe_events.merge_participants, ect_user, {"into_participant_id": ect_user}) == {
        "into_participant_id": ["A participant cannot be merged into themselves."]
    }
    assert refused(
        world,
        dfe_events.merge_participants,
        world.mentor.user_id,
        {"into_participant_id": world.their_mentor.user_id},
    ) == {
        "into_participant_id": [
            "Both participants have an MENTOR training record: the sandbox cannot merge two."
        ]
    }
    assert refused(world, dfe_events.merge_participants, ect_user, {}) == {
        "into_participant_id": ["No participant has the '#/into_participant_id' you gave."]
    }


# -- DQT induction end date -----------------------------------------------------------------------


def test_an_induction_end_date_is_recorded_and_cleared(world: World) -> None:
    event = dfe_events.record_induction_end_date(
        world.store, Gate.open_at(NOW), world.ect.id, {"induction_end_date": "2026-07-18"}
    )
    assert event.profiles[0].induction_end_date == date(2026, 7, 18)
    assert world.user(world.ect).updated_at == NOW
    dfe_events.record_induction_end_date(
        world.store, Gate.open_at(LATER), world.ect.id, {"induction_end_date": None}
    )
    assert world.ect.induction_end_date is None and world.ect.updated_at == LATER


def test_induction_end_date_refusals(world: World) -> None:
    assert refused(
        world, dfe_events.record_induction_end_date, world.mentor.id, {"induction_end_date": "2026-13-01"}
    ) == {
        "base": ["Only an ECT has an induction end date."],
        "induction_end_date": ["Give '#/induction_end_date' as a date: YYYY-MM-DD."],
    }
    assert list(refused(world, dfe_events.record_induction_end_date, world.ect.id, {})) == [
        "induction_end_date"
    ]
