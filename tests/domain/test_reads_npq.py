"""NPQ reads (domain.md §4.15 applications, §4.16 participants and the v2 enrolments CSV, §4.17 outcomes)
on hand-made worlds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sandbox.contracts import BY_NAME
from sandbox.domain.applications.reads import (
    ApplicationFilter,
    application_view,
    eligible_for_funding,
    get_application,
    ineligible_for_funding_reason,
    list_applications,
)
from sandbox.domain.errors import NotFound
from sandbox.domain.listing import SortKey
from sandbox.domain.participants.npq import (
    NPQParticipantFilter,
    get_participant,
    list_enrolment_profiles,
    list_outcomes,
    list_participants,
    participant_outcomes,
)
from sandbox.domain.world import registration as reg
from sandbox.domain.world.npq_registration import reject_npq_application
from sandbox.presenters import npq as present
from tests.domain.test_reads_world import World

EHCO = "npq-early-headship-coaching-offer"
ASO = "npq-additional-support-offer"


def ids(records) -> list[str]:
    return [r.id for r in records]


# -- §4.15 applications -------------------------------------------------------------------------------


def test_a_provider_reads_only_applications_made_to_it():
    world = World()
    mine, theirs = world.provider(), world.provider()
    own = world.application(mine)
    other = world.application(theirs)
    assert ids(list_applications(world.store, mine, ApplicationFilter())) == [own.id]
    assert get_application(world.store, mine, own.id) is own
    with pytest.raises(NotFound):
        get_application(world.store, mine, other.id)


@pytest.fixture
def funded_before():
    """A person whose EHCO application with another provider was accepted with funding."""
    world = World()
    mine, theirs = world.provider(), world.provider()
    user = world.user()
    earlier = world.application(theirs, user=user, course=EHCO, cohort=2023, eligible_for_funding=True)
    return world, mine, theirs, user, earlier


@pytest.mark.parametrize("course", [EHCO, ASO])
def test_an_accepted_funded_application_for_the_same_course_means_previously_funded(funded_before, course):
    world, mine, _, user, earlier = funded_before
    world.accept(earlier)
    application = world.application(
        mine, user=user, course=course, cohort=2021 if course == ASO else 2024, eligible_for_funding=True
    )
    assert eligible_for_funding(world.store, application) is False
    assert ineligible_for_funding_reason(world.store, application) == "previously-funded"
    attrs = present.render_application(application_view(world.store, application), BY_NAME["v3"])[
        "attributes"
    ]
    assert (attrs["eligible_for_funding"], attrs["ineligible_for_funding_reason"]) == (
        False,
        "previously-funded",
    )
    # The earlier application is not funded "before" itself.
    assert eligible_for_funding(world.store, earlier) is True


@pytest.mark.parametrize(
    "change",
    ["pending", "rejected", "not_eligible", "unfunded_place", "other_course", "other_person"],
)
def test_what_does_not_count_as_previous_funding(funded_before, change):
    world, mine, _, user, earlier = funded_before
    if change == "rejected":
        reject_npq_application(world.store, application_id=earlier.id, now=world.tick())
    elif change != "pending":
        world.accept(earlier)
    if change == "not_eligible":
        earlier.eligible_for_funding = False
    if change == "unfunded_place":
        earlier.funded_place = False
    course = "npq-headship" if change == "other_course" else EHCO
    applicant = world.user() if change == "other_person" else user
    application = world.application(mine, user=applicant, course=course, eligible_for_funding=True)
    assert eligible_for_funding(world.store, application) is True
    assert ineligible_for_funding_reason(world.store, application) is None


@pytest.mark.parametrize(
    ("eligible", "recorded", "expected"),
    [(True, None, None), (True, "establishment-ineligible", None), (False, None, "establishment-ineligible")],
)
def test_an_ineligible_application_always_has_a_reason(eligible, recorded, expected):
    world = World()
    provider = world.provider()
    application = world.application(
        provider, eligible_for_funding=eligible, ineligible_for_funding_reason=recorded
    )
    assert ineligible_for_funding_reason(world.store, application) == expected


def test_accepting_rejects_the_persons_other_pending_applications_for_the_course_and_cohort():
    world = World()
    mine, theirs = world.provider(), world.provider()
    user = world.user()
    chosen = world.application(mine, user=user)
    same = world.application(theirs, user=user)
    other_cohort = world.application(theirs, user=user, cohort=2023)
    world.accept(chosen)
    assert (same.status, other_cohort.status) == ("rejected", "pending")


def test_application_filters_and_order():
    world = World()
    provider = world.provider()
    user = world.user()
    a = world.application(provider, user=user, cohort=2023)
    b = world.application(provider, cohort=2024)
    c = world.application(provider, user=user, cohort=2024, course="npq-senco")

    def listed(**flt) -> list[str]:
        return ids(list_applications(world.store, provider, ApplicationFilter(**flt)))

    assert listed() == [a.id, b.id, c.id]
    assert listed(cohorts=[2024]) == [b.id, c.id]
    assert listed(cohorts=[2023, 2024]) == [a.id, b.id, c.id]
    assert listed(participant_id=user.id) == [a.id, c.id]
    sorted_desc = list_applications(
        world.store, provider, ApplicationFilter(), [SortKey("created_at", descending=True)]
    )
    assert ids(sorted_desc) == [c.id, b.id, a.id]


def test_application_updated_since_is_strict_on_the_latest_of_application_user_and_profile():
    world = World()
    provider = world.provider()
    first = world.application(provider)
    second = world.application(provider)
    pivot = second.updated_at
    assert ids(list_applications(world.store, provider, ApplicationFilter(updated_since=pivot))) == []
    world.accept(first)  # moves the application, its profile and the user
    assert ids(list_applications(world.store, provider, ApplicationFilter(updated_since=pivot))) == [first.id]
    reg.set_teacher_reference_number(world.store, user_id=second.user_id, trn="1111111", now=world.tick())
    assert ids(list_applications(world.store, provider, ApplicationFilter(updated_since=pivot))) == [
        first.id,
        second.id,
    ]
    rendered = present.render_application(application_view(world.store, second), BY_NAME["v1"])["attributes"][
        "updated_at"
    ]
    assert rendered == world.clock.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_schedule_identifier_is_v3_only_and_null_until_accepted():
    world = World()
    provider = world.provider()
    application = world.application(provider)
    assert (
        present.render_application(application_view(world.store, application), BY_NAME["v3"])["attributes"][
            "schedule_identifier"
        ]
        is None
    )
    world.accept(application)
    rendered = {
        v: present.render_application(application_view(world.store, application), BY_NAME[v]) for v in BY_NAME
    }
    assert rendered["v3"]["attributes"]["schedule_identifier"] == "npq-leadership-autumn"
    assert (
        "schedule_identifier" not in rendered["v1"]["attributes"]
        and "schedule_identifier" not in rendered["v2"]["attributes"]
    )
    assert rendered["v1"]["type"] == "npq_application" and rendered["v1"]["attributes"]["cohort"] == "2024"


def test_the_v2_applications_csv_has_no_catchment_columns():
    catchment = {"teacher_catchment", "teacher_catchment_country", "teacher_catchment_iso_country_code"}
    v1, v2 = BY_NAME["v1"].npq_applications.csv_columns, BY_NAME["v2"].npq_applications.csv_columns
    assert catchment <= set(v1) and not catchment & set(v2)
    assert v2 == tuple(c for c in v1 if c not in catchment)


# -- §4.16 participants -------------------------------------------------------------------------------


@pytest.fixture
def enrolled():
    world = World()
    mine, theirs = world.provider(), world.provider()
    user = world.user()
    headship = world.accept(world.application(mine, user=user, eligible_for_funding=True))
    senco = world.accept(world.application(mine, user=user, course="npq-senco"))
    elsewhere = world.accept(world.application(theirs, user=user, course="npq-leading-literacy"))
    world.application(mine)  # pending: its applicant is no participant yet
    return world, mine, theirs, user, headship, senco, elsewhere


def test_participants_are_people_with_an_accepted_application_to_us_showing_our_enrolments(enrolled):
    world, mine, theirs, user, headship, senco, elsewhere = enrolled
    [participant] = list_participants(world.store, mine, NPQParticipantFilter())
    assert participant.user is user
    assert [e.profile.id for e in participant.enrolments] == [headship.id, senco.id]
    assert [e.profile.id for e in get_participant(world.store, theirs, user.id).enrolments] == [elsewhere.id]
    with pytest.raises(NotFound):
        get_participant(world.store, mine, world.user().id)


def test_each_version_shapes_the_enrolments(enrolled):
    world, mine, _, user, headship, senco, _ = enrolled
    participant = get_participant(world.store, mine, user.id)
    v1 = present.render_participant(participant, BY_NAME["v1"])["attributes"]
    assert v1["participant_id"] == user.id and v1["npq_courses"] == ["npq-headship", "npq-senco"]
    assert [f["npq_application_id"] for f in v1["funded_places"]] == [headship.id, senco.id]
    v2 = present.render_participant(participant, BY_NAME["v2"])["attributes"]
    assert [e["npq_application_id"] for e in v2["npq_enrolments"]] == [headship.id, senco.id]
    assert v2["email"] == user.email and "withdrawal" not in v2["npq_enrolments"][0]
    v3 = present.render_participant(participant, BY_NAME["v3"])["attributes"]
    assert "email" not in v3 and v3["npq_enrolments"][0]["email"] == user.email
    assert v3["npq_enrolments"][0]["withdrawal"] is None and v3["participant_id_changes"] == []


def test_enrolments_show_the_applications_own_eligibility_flag(enrolled):
    # Upstream's enrolments read the column: not lowered for previous funding as the application is.
    world, mine, _, user, headship, _, _ = enrolled
    again = world.application(world.provider(), user=user, eligible_for_funding=True)
    world.accept(again)
    assert eligible_for_funding(world.store, world.store.npq_applications[headship.id]) is False
    [first, _] = present.render_participant(get_participant(world.store, mine, user.id), BY_NAME["v2"])[
        "attributes"
    ]["npq_enrolments"]
    assert first["eligible_for_funding"] is True


def test_npq_withdrawal_and_deferral_are_the_providers_own(enrolled):
    world, mine, _, user, headship, senco, _ = enrolled
    withdrawn = world.training_status(headship, mine, "withdrawn", "personal-reason-other")
    world.training_status(senco, mine, "deferred", "career-break")
    enrolments = get_participant(world.store, mine, user.id).enrolments
    assert (enrolments[0].withdrawal, enrolments[0].deferral) == (withdrawn, None)
    assert (enrolments[1].withdrawal, enrolments[1].deferral.reason) == (None, "career-break")
    v3 = present.render_participant(get_participant(world.store, mine, user.id), BY_NAME["v3"])
    assert v3["attributes"]["npq_enrolments"][0]["withdrawal"]["reason"] == "personal-reason-other"


def test_participant_filters(enrolled):
    world, mine, _, user, headship, _, _ = enrolled
    other = world.user()
    world.accept(world.application(mine, user=other))
    world.training_status(headship, mine, "withdrawn", "other")

    def listed(**flt) -> list[str]:
        return [p.user.id for p in list_participants(world.store, mine, NPQParticipantFilter(**flt))]

    assert listed() == [user.id, other.id]
    assert listed(training_status="withdrawn") == [user.id]
    [withdrawn] = list_participants(world.store, mine, NPQParticipantFilter(training_status="withdrawn"))
    assert [e.profile.id for e in withdrawn.enrolments] == [headship.id]
    assert listed(training_status="deferred") == []
    pivot = other.updated_at
    assert listed(updated_since=pivot) == [user.id]  # strict: `other` was stamped at the pivot itself
    assert listed(updated_since=pivot - timedelta(microseconds=1)) == [user.id, other.id]
    retired = world.user()
    reg.merge_users(world.store, from_user_id=retired.id, to_user_id=other.id, now=world.tick())
    assert listed(from_participant_id=retired.id) == [other.id]
    newest_first = list_participants(
        world.store, mine, NPQParticipantFilter(), [SortKey("created_at", descending=True)]
    )
    assert [p.user.id for p in newest_first] == [other.id, user.id]


def test_the_enrolments_csv_lists_profiles_changed_after_the_instant_oldest_change_first(enrolled):
    world, mine, _, _, headship, senco, _ = enrolled
    assert [e.profile.id for e in list_enrolment_profiles(world.store, mine, None)] == [headship.id, senco.id]
    world.training_status(headship, mine, "deferred", "other")
    assert [e.profile.id for e in list_enrolment_profiles(world.store, mine, None)] == [senco.id, headship.id]
    assert [e.profile.id for e in list_enrolment_profiles(world.store, mine, senco.updated_at)] == [
        headship.id
    ]
    columns = BY_NAME["v2"].npq_participants.enrolments_csv_columns
    [row] = present.enrolment_csv_rows(list_enrolment_profiles(world.store, mine, senco.updated_at), columns)
    assert tuple(row) == columns
    assert (row["participant_id"], row["training_status"]) == (headship.user_id, "deferred")


# -- §4.17 outcomes -----------------------------------------------------------------------------------


@pytest.fixture
def outcomes():
    world = World()
    mine, theirs = world.provider(), world.provider()
    for provider in (mine, theirs):
        world.statements(provider)
    user = world.user()
    ours = world.declaration(
        world.accept(world.application(mine, user=user)), mine, declaration_type="completed"
    )
    theirs_declaration = world.declaration(
        world.accept(world.application(theirs, user=user, course="npq-senco")),
        theirs,
        declaration_type="completed",
    )
    first = world.outcome(ours, "failed", date(2025, 1, 10))
    foreign = world.outcome(theirs_declaration, "passed")
    second = world.outcome(ours, "passed", date(2025, 2, 10))
    return world, mine, theirs, user, first, second, foreign


def test_outcomes_are_those_on_the_providers_own_declarations(outcomes):
    world, mine, theirs, user, first, second, foreign = outcomes
    assert ids(list_outcomes(world.store, mine, None)) == [first.id, second.id]
    assert ids(list_outcomes(world.store, theirs, None)) == [foreign.id]
    assert ids(participant_outcomes(world.store, mine, user.id)) == [first.id, second.id]
    assert participant_outcomes(world.store, mine, "nobody") == []


def test_created_since_is_inclusive(outcomes):
    world, mine, _, _, first, second, _ = outcomes
    assert ids(list_outcomes(world.store, mine, second.created_at)) == [second.id]
    assert ids(list_outcomes(world.store, mine, first.created_at)) == [first.id, second.id]
    assert list_outcomes(world.store, mine, second.created_at + timedelta(microseconds=1)) == []


def test_a_retired_participant_id_still_finds_the_outcomes(outcomes):
    world, mine, _, user, first, second, _ = outcomes
    survivor = world.user()
    reg.merge_users(world.store, from_user_id=user.id, to_user_id=survivor.id, now=world.tick())
    assert ids(participant_outcomes(world.store, mine, user.id)) == [first.id, second.id]


def test_an_outcome_renders_its_completion_date_at_midnight(outcomes):
    _, _, _, user, first, _, _ = outcomes
    v1 = present.render_outcome(first, BY_NAME["v1"])
    assert v1["type"] == "participant-outcome"
    assert v1["attributes"] == {
        "state": "failed",
        "completion_date": "2025-01-10T00:00:00+00:00",
        "course_identifier": "npq-headship",
        "participant_id": user.id,
        "created_at": first.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert (
        present.render_outcome(first, BY_NAME["v3"])["attributes"]["updated_at"]
        == v1["attributes"]["created_at"]
    )
