"""Confirming a partnership and changing its delivery partner (domain.md §4.10): every refusal with its exact
text and in upstream's order, a refusal that changes nothing, and what a confirmation does to the world.

The helpers at the top find what the rules need in a seeded world; the API tests import them too.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sandbox.domain.errors import NotFound, ValidationFailed
from sandbox.domain.partnerships import rules
from sandbox.domain.world import registration as reg
from sandbox.domain.world.entities import LeadProvider, Partnership, School
from sandbox.domain.world.reference import ReferenceData
from sandbox.seed.world import build_world
from sandbox.store import Store

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # the sandbox's first day, as in the API tests
COHORT = 2024

# The refusal texts, verbatim from domain.md §4.10.
BLANK = {
    "cohort": "Enter a '#/cohort'.",
    "school_id": "Enter a '#/school_id'.",
    "delivery_partner_id": "Enter a '#/delivery_partner_id'.",
}
COHORT_INVALID = "The '#/cohort' you have entered is invalid. Check cohort details and try again."
SCHOOL = {
    "invalid": "The '#/school_id' you have entered is invalid. Check school details and try again. "
    "Contact the DfE for support if you are unable to find the '#/school_id'.",
    "cip_only": "The school you have entered has not registered to deliver DfE-funded training. "
    "Contact the school for more information.",
    "ineligible": "The school you have entered is currently ineligible for DfE funding. "
    "Contact the school for more information.",
    "mine": "You are already in a confirmed partnership with this school for the entered cohort.",
    "theirs": "Another provider is in a confirmed partnership with the school for the cohort you entered. "
    "Contact the school for more information.",
    "not_set_up": "The school you have entered has not yet confirmed they will deliver DfE-funded training. "
    "Contact the school for more information.",
}
DP = {
    "invalid": "The '#/delivery_partner_id' you have entered is invalid. "
    "Check delivery partner details and try again.",
    "no_relationship": "The entered delivery partner is not recognised to be working in partnership with you "
    "for the given cohort. Contact the DfE for more information.",
    "challenged": "Your update cannot be made as this partnership has been challenged by the school. "
    "If this partnership has been challenged in error, submit a new partnership confirmation using the "
    "endpoint POST /api/v3/partnerships/ecf.",
    "duplicate": "We are unable to process this request. You are already confirmed to be in partnership "
    "with the entered delivery partner. Contact the DfE for support.",
}

# -- finding things in a seeded world -------------------------------------------------------------


def ecf_providers(store: Store) -> list[LeadProvider]:
    return [p for p in store.lead_providers.values() if p.has_ecf]


def dp_for(store: Store, provider: LeadProvider, cohort: int, *, skip: str | None = None) -> str:
    """A delivery partner the provider works with in the cohort (not `skip`)."""
    ids = sorted(
        r.delivery_partner_id
        for r in store.provider_relationships
        if r.lead_provider_id == provider.id and r.cohort == cohort and r.delivery_partner_id != skip
    )
    return ids[0]


def dp_without(store: Store, provider: LeadProvider, cohort: int) -> str:
    """A delivery partner that exists but does not work with the provider in the cohort."""
    related = {
        r.delivery_partner_id
        for r in store.provider_relationships
        if r.lead_provider_id == provider.id and r.cohort == cohort
    }
    return sorted(set(store.delivery_partners) - related)[0]


def dp_joining_in(store: Store, provider: LeadProvider, cohort: int) -> str:
    """A delivery partner that works with the provider in the cohort but not in the one before."""

    def related(year: int) -> set[str]:
        return {
            r.delivery_partner_id
            for r in store.provider_relationships
            if r.lead_provider_id == provider.id and r.cohort == year
        }

    return sorted(related(cohort) - related(cohort - 1))[0]


def confirmed(store: Store, school_id: str, cohort: int) -> list[Partnership]:
    return [
        p
        for p in store.partnerships.values()
        if p.school_id == school_id and p.cohort == cohort and not p.relationship and not p.challenged
    ]


def partnerable_schools(store: Store, cohort: int = COHORT) -> list[School]:
    """Schools any provider can partner with in the cohort today: eligible, not CIP-only, no confirmed
    partnership that cohort, and not a school that must first set up the cohort."""
    return [
        s
        for s in store.schools.values()
        if s.eligible
        and not s.cip_only
        and not confirmed(store, s.id, cohort)
        and not (confirmed(store, s.id, cohort - 1) and (s.id, cohort) not in store.school_cohorts)
    ]


def untouched_school(store: Store, cohort: int = COHORT) -> School:
    """A partnerable school with no partnership at all and no school cohort for the cohort."""
    return next(
        s
        for s in partnerable_schools(store, cohort)
        if (s.id, cohort) not in store.school_cohorts
        and not any(p.school_id == s.id for p in store.partnerships.values())
    )


def school_with_choice(store: Store, choice: str, cohort: int = COHORT) -> School:
    return next(
        s
        for s in partnerable_schools(store, cohort)
        if (sc := store.school_cohorts.get((s.id, cohort))) and sc.induction_programme_choice == choice
    )


def own_confirmed(store: Store, provider: LeadProvider, cohort: int = COHORT) -> Partnership:
    return next(
        p
        for p in store.partnerships.values()
        if p.lead_provider_id == provider.id
        and p.cohort == cohort
        and not p.relationship
        and not p.challenged
    )


def reusable_challenged(store: Store, cohort: int = COHORT, *, not_of: str | None = None) -> Partnership:
    """A challenged partnership whose school nobody has confirmed since: its provider may confirm it again."""
    return next(
        p
        for p in store.partnerships.values()
        if p.cohort == cohort
        and p.challenged
        and not p.relationship
        and p.lead_provider_id != not_of
        and not confirmed(store, p.school_id, cohort)
    )


def snapshot(store: Store) -> tuple[Any, ...]:
    """Everything a partnership write may change, and the id source: equal snapshots mean nothing changed."""
    return (
        repr(sorted(store.partnerships.items())),
        repr(sorted(store.school_cohorts.items())),
        repr(sorted(store.schools.items())),
        repr(sorted(store.ecf_profiles.items())),
        repr(sorted(store.users.items())),
        repr(sorted(store.induction_records.items())),
        store.rng.getstate(),
    )


def unknown_id() -> str:
    return str(uuid.UUID(int=7, version=4))


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference() -> ReferenceData:
    return ReferenceData.load()


@pytest.fixture
def store(reference: ReferenceData) -> Store:
    return build_world(reference, seed=1, participants=20)


@pytest.fixture
def provider(store: Store) -> LeadProvider:
    return ecf_providers(store)[0]


@pytest.fixture
def other(store: Store) -> LeadProvider:
    return ecf_providers(store)[1]


def create(store: Store, provider: LeadProvider, **attrs: Any) -> Partnership:
    return rules.create_partnership(
        store,
        provider,
        NOW,
        cohort=attrs.get("cohort"),
        school_id=attrs.get("school_id"),
        delivery_partner_id=attrs.get("delivery_partner_id"),
    )


def refused(store: Store, provider: LeadProvider, **attrs: Any) -> dict[str, list[str]]:
    """The errors of a create that must be refused, having checked that it changed nothing."""
    before = snapshot(store)
    with pytest.raises(ValidationFailed) as raised:
        create(store, provider, **attrs)
    assert snapshot(store) == before
    return raised.value.errors


def partner(
    store: Store,
    provider: LeadProvider,
    school: School,
    cohort: int = COHORT,
    *,
    dp: str | None = None,
    relationship: bool = False,
    now: datetime = NOW,
) -> Partnership:
    """A partnership made DfE-side (the seed's way), to set a scene."""
    return reg.add_partnership(
        store,
        lead_provider_id=provider.id,
        school_id=school.id,
        delivery_partner_id=dp or dp_for(store, provider, cohort),
        cohort=cohort,
        now=now,
        relationship=relationship,
    )


def valid(store: Store, provider: LeadProvider, school: School) -> dict[str, Any]:
    return {"cohort": COHORT, "school_id": school.id, "delivery_partner_id": dp_for(store, provider, COHORT)}


# -- the seeded world ----------------------------------------------------------------------------


def test_the_seed_offers_schools_a_provider_can_partner_with_in_2024(store: Store) -> None:
    schools = partnerable_schools(store)
    choices = {
        sc.induction_programme_choice for s in schools if (sc := store.school_cohorts.get((s.id, COHORT)))
    }
    # An untouched school, schools that chose FIP or their own programme, and challenged schools.
    assert len(schools) >= 3 and untouched_school(store) in schools
    assert choices >= {"full_induction_programme", "design_our_own"}
    assert reusable_challenged(store)
    for provider in ecf_providers(store):
        dp_for(store, provider, COHORT)  # every ECF provider has a delivery partner for 2024


def test_the_texts_are_the_real_services() -> None:
    assert [rules.COHORT_BLANK, rules.SCHOOL_BLANK, rules.DELIVERY_PARTNER_BLANK] == list(BLANK.values())
    assert rules.COHORT_INVALID == COHORT_INVALID
    assert [
        rules.SCHOOL_INVALID,
        rules.SCHOOL_CIP_ONLY,
        rules.SCHOOL_INELIGIBLE,
        rules.SCHOOL_ALREADY_CONFIRMED,
        rules.SCHOOL_OTHER_PROVIDER,
        rules.SCHOOL_NOT_YET_CONFIRMED,
    ] == list(SCHOOL.values())
    assert [
        rules.DELIVERY_PARTNER_INVALID,
        rules.DELIVERY_PARTNER_NO_RELATIONSHIP,
        rules.PARTNERSHIP_CHALLENGED,
        rules.DELIVERY_PARTNER_DUPLICATE,
    ] == list(DP.values())


# -- POST: blank attributes ------------------------------------------------------------------------


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_attributes_are_each_asked_for_in_order(
    store: Store, provider: LeadProvider, blank: Any
) -> None:
    errors = refused(store, provider, cohort=blank, school_id=blank, delivery_partner_id=blank)
    assert list(errors.items()) == [(attribute, [text]) for attribute, text in BLANK.items()]
    assert refused(store, provider) == errors  # absent attributes are blank too


def test_blank_entries_come_before_later_checks_of_other_attributes(
    store: Store, provider: LeadProvider
) -> None:
    # Upstream adds every presence error first, so a blank school is listed before an unknown cohort.
    errors = refused(store, provider, cohort=2019, delivery_partner_id=unknown_id())
    assert list(errors.items()) == [
        ("school_id", [BLANK["school_id"]]),
        ("cohort", [COHORT_INVALID]),
        ("delivery_partner_id", [DP["invalid"]]),
    ]


# -- POST: cohort ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cohort",
    [2019, 2020, 2030, "2030", "abc", "2024abc", "20 24", "２０２４", 2024.5, True, False, [2024], {"y": 1}],
)
def test_an_unknown_cohort_is_invalid(store: Store, provider: LeadProvider, cohort: Any) -> None:
    school = untouched_school(store)
    errors = refused(store, provider, cohort=cohort, school_id=school.id, delivery_partner_id=unknown_id())
    # Without a cohort the cohort-bound school checks are not run: the school itself is fine.
    assert errors == {"cohort": [COHORT_INVALID], "delivery_partner_id": [DP["invalid"]]}


@pytest.mark.parametrize("cohort", [2024, "2024", " 2024 ", 2024.0])
def test_a_cohort_is_a_number_or_a_string(store: Store, provider: LeadProvider, cohort: Any) -> None:
    school = untouched_school(store)
    assert create(store, provider, **(valid(store, provider, school) | {"cohort": cohort})).cohort == 2024


# -- POST: school, each check in its order ---------------------------------------------------------


@pytest.mark.parametrize("school_id", ["not-a-uuid", str(uuid.UUID(int=7, version=4)), 123, ["x"], {}])
def test_an_unknown_school_is_invalid(store: Store, provider: LeadProvider, school_id: Any) -> None:
    attrs = {"cohort": COHORT, "school_id": school_id, "delivery_partner_id": dp_for(store, provider, COHORT)}
    assert refused(store, provider, **attrs) == {"school_id": [SCHOOL["invalid"]]}


def test_a_cip_only_school(store: Store, provider: LeadProvider) -> None:
    school = next(s for s in store.schools.values() if s.cip_only)
    assert refused(store, provider, **valid(store, provider, school)) == {"school_id": [SCHOOL["cip_only"]]}


def test_cip_only_is_checked_before_eligibility(store: Store, provider: LeadProvider) -> None:
    school = reg.create_school(store, name="Both", urn="999001", now=NOW, eligible=False, cip_only=True)
    assert refused(store, provider, **valid(store, provider, school)) == {"school_id": [SCHOOL["cip_only"]]}


def test_an_ineligible_school(store: Store, provider: LeadProvider) -> None:
    school = next(s for s in store.schools.values() if not s.eligible)
    assert refused(store, provider, **valid(store, provider, school)) == {"school_id": [SCHOOL["ineligible"]]}


def test_eligibility_is_checked_before_partnerships(
    store: Store, provider: LeadProvider, other: LeadProvider
) -> None:
    school = next(s for s in store.schools.values() if not s.eligible)
    partner(store, other, school)
    assert refused(store, provider, **valid(store, provider, school)) == {"school_id": [SCHOOL["ineligible"]]}


def test_a_school_already_confirmed_with_this_provider(store: Store, provider: LeadProvider) -> None:
    school = store.schools[own_confirmed(store, provider).school_id]
    assert refused(store, provider, **valid(store, provider, school)) == {"school_id": [SCHOOL["mine"]]}


def test_a_school_confirmed_with_another_provider(
    store: Store, provider: LeadProvider, other: LeadProvider
) -> None:
    school = store.schools[own_confirmed(store, other).school_id]
    assert refused(store, provider, **valid(store, provider, school)) == {"school_id": [SCHOOL["theirs"]]}


def test_a_relationship_or_a_challenged_partnership_is_not_a_confirmed_one(
    store: Store, provider: LeadProvider, other: LeadProvider
) -> None:
    school = untouched_school(store)
    partner(store, other, school, relationship=True)
    challenged = partner(store, other, school)
    reg.record_challenge(store, partnership_id=challenged.id, reason="mistake", now=NOW)
    assert not create(store, provider, **valid(store, provider, school)).challenged


def _previously_partnered(store: Store, other: LeadProvider) -> School:
    """A school that had `other` as its provider in 2023 and has not said how it trains 2024."""
    school = untouched_school(store)
    partner(store, other, school, 2023, now=NOW - timedelta(days=400))
    assert (school.id, COHORT) not in store.school_cohorts
    return school


def test_a_school_that_had_a_provider_last_cohort_must_set_up_this_one(
    store: Store, provider: LeadProvider, other: LeadProvider
) -> None:
    school = _previously_partnered(store, other)
    assert refused(store, provider, **valid(store, provider, school)) == {"school_id": [SCHOOL["not_set_up"]]}
    # The provider it had is refused alike: the school has not set the cohort up for anyone.
    assert refused(store, other, **valid(store, other, school)) == {"school_id": [SCHOOL["not_set_up"]]}


def test_once_the_school_has_set_up_the_cohort_it_can_be_partnered(
    store: Store, provider: LeadProvider, other: LeadProvider
) -> None:
    school = _previously_partnered(store, other)
    reg.set_school_cohort(
        store, school_id=school.id, cohort=COHORT, induction_programme_choice="design_our_own", now=NOW
    )
    assert create(store, provider, **valid(store, provider, school)).school_id == school.id


def test_a_challenged_partnership_last_cohort_does_not_count(
    store: Store, provider: LeadProvider, other: LeadProvider
) -> None:
    school = _previously_partnered(store, other)
    last = next(p for p in store.partnerships.values() if p.school_id == school.id)
    reg.record_challenge(store, partnership_id=last.id, reason="mistake", now=NOW)
    assert create(store, provider, **valid(store, provider, school)).cohort == COHORT


def test_another_providers_partnership_is_checked_before_the_cohort_set_up(
    store: Store, provider: LeadProvider, other: LeadProvider
) -> None:
    school = _previously_partnered(store, other)
    partner(store, other, school)
    del store.school_cohorts[(school.id, COHORT)]  # a confirmed partnership without a school cohort
    assert refused(store, provider, **valid(store, provider, school)) == {"school_id": [SCHOOL["theirs"]]}


# -- POST: delivery partner ------------------------------------------------------------------------


@pytest.mark.parametrize("dp", [str(uuid.UUID(int=9, version=4)), "nope", 42, ["x"]])
def test_an_unknown_delivery_partner_is_invalid(store: Store, provider: LeadProvider, dp: Any) -> None:
    school = untouched_school(store)
    errors = refused(store, provider, cohort=COHORT, school_id=school.id, delivery_partner_id=dp)
    assert errors == {"delivery_partner_id": [DP["invalid"]]}


def test_a_delivery_partner_the_provider_does_not_work_with(store: Store, provider: LeadProvider) -> None:
    school = untouched_school(store)
    dp = dp_without(store, provider, COHORT)
    errors = refused(store, provider, cohort=COHORT, school_id=school.id, delivery_partner_id=dp)
    assert errors == {"delivery_partner_id": [DP["no_relationship"]]}


def test_the_relationship_must_be_for_the_entered_cohort(store: Store, provider: LeadProvider) -> None:
    # A partner that joined the provider in 2023 does not work with it in 2022.
    dp = dp_joining_in(store, provider, 2023)
    school = untouched_school(store, 2022)
    errors = refused(store, provider, cohort=2022, school_id=school.id, delivery_partner_id=dp)
    assert errors == {"delivery_partner_id": [DP["no_relationship"]]}


def test_without_a_valid_cohort_no_relationship_is_found(store: Store, provider: LeadProvider) -> None:
    school = untouched_school(store)
    dp = dp_for(store, provider, COHORT)
    errors = refused(store, provider, cohort=1999, school_id=school.id, delivery_partner_id=dp)
    assert errors == {"cohort": [COHORT_INVALID], "delivery_partner_id": [DP["no_relationship"]]}


def test_every_attribute_is_reported_at_once(store: Store, provider: LeadProvider) -> None:
    cip = next(s for s in store.schools.values() if s.cip_only)
    errors = refused(store, provider, cohort="2030", school_id=cip.id, delivery_partner_id=unknown_id())
    assert list(errors.items()) == [
        ("cohort", [COHORT_INVALID]),
        ("school_id", [SCHOOL["cip_only"]]),
        ("delivery_partner_id", [DP["invalid"]]),
    ]


# -- POST: what a confirmation does ----------------------------------------------------------------


def test_a_new_partnership_with_a_new_fip_school_cohort(store: Store, provider: LeadProvider) -> None:
    school = untouched_school(store)
    attrs = valid(store, provider, school)
    partnership = create(store, provider, **attrs)
    assert store.partnerships[partnership.id] is partnership
    assert (partnership.lead_provider_id, partnership.school_id, partnership.cohort) == (
        provider.id,
        school.id,
        COHORT,
    )
    assert partnership.delivery_partner_id == attrs["delivery_partner_id"]
    assert not partnership.challenged and not partnership.relationship
    assert partnership.created_at == partnership.updated_at == school.updated_at == NOW
    school_cohort = store.school_cohorts[(school.id, COHORT)]
    assert (school_cohort.induction_programme_choice, school_cohort.created_at) == (
        "full_induction_programme",
        NOW,
    )


def test_confirming_puts_the_school_on_fip_for_the_cohort(store: Store, provider: LeadProvider) -> None:
    school = school_with_choice(store, "design_our_own")
    create(store, provider, **valid(store, provider, school))
    school_cohort = store.school_cohorts[(school.id, COHORT)]
    assert (school_cohort.induction_programme_choice, school_cohort.updated_at) == (
        "full_induction_programme",
        NOW,
    )


def test_a_challenged_partnership_is_confirmed_again_under_the_same_id(store: Store) -> None:
    old = reusable_challenged(store)
    owner = store.lead_providers[old.lead_provider_id]
    count, created_at = len(store.partnerships), old.created_at
    new_dp = dp_for(store, owner, COHORT, skip=old.delivery_partner_id)
    partnership = create(store, owner, cohort=COHORT, school_id=old.school_id, delivery_partner_id=new_dp)
    assert partnership is old and len(store.partnerships) == count
    assert (partnership.challenged_reason, partnership.challenged_at) == (None, None)
    assert partnership.delivery_partner_id == new_dp
    assert (partnership.created_at, partnership.updated_at) == (created_at, NOW)


def test_a_challenge_for_no_ects_is_undone_by_confirming_again(store: Store) -> None:
    old = next(p for p in store.partnerships.values() if p.challenged_reason == "no_ects")
    assert (
        store.school_cohorts[(old.school_id, COHORT)].induction_programme_choice == "no_early_career_teachers"
    )
    owner = store.lead_providers[old.lead_provider_id]
    create(store, owner, cohort=COHORT, school_id=old.school_id, delivery_partner_id=old.delivery_partner_id)
    assert (
        store.school_cohorts[(old.school_id, COHORT)].induction_programme_choice == "full_induction_programme"
    )


def test_another_providers_challenged_partnership_is_left_alone(store: Store, provider: LeadProvider) -> None:
    old = reusable_challenged(store, not_of=provider.id)
    partnership = create(store, provider, **valid(store, provider, store.schools[old.school_id]))
    assert partnership.id != old.id and old.challenged


def test_a_relationship_with_the_same_partner_becomes_the_confirmed_partnership(
    store: Store, provider: LeadProvider
) -> None:
    school = untouched_school(store)
    attrs = valid(store, provider, school)
    link = partner(store, provider, school, relationship=True, now=NOW - timedelta(days=3))
    assert link.delivery_partner_id == attrs["delivery_partner_id"]
    assert create(store, provider, **attrs) is link
    assert not link.relationship and link.updated_at == NOW


def test_a_relationship_with_another_partner_stays(store: Store, provider: LeadProvider) -> None:
    school = untouched_school(store)
    attrs = valid(store, provider, school)
    other_dp = dp_for(store, provider, COHORT, skip=attrs["delivery_partner_id"])
    link = partner(store, provider, school, dp=other_dp, relationship=True, now=NOW - timedelta(days=3))
    partnership = create(store, provider, **attrs)
    assert partnership is not link and link.relationship


def test_participants_at_the_school_are_touched(store: Store) -> None:
    # Confirming a challenged partnership again makes its participants visible again: readers must see it.
    old = reusable_challenged(store)
    owner = store.lead_providers[old.lead_provider_id]
    earlier = NOW - timedelta(days=9)
    ect = reg.create_user(
        store, full_name="A Teacher", email="a@example.com", teacher_reference_number=None, now=earlier
    )
    profile, _ = reg.record_registration(
        store, user_id=ect.id, participant_type="ect", partnership_id=old.id, now=earlier
    )
    create(store, owner, cohort=COHORT, school_id=old.school_id, delivery_partner_id=old.delivery_partner_id)
    assert profile.updated_at == ect.updated_at == NOW


# -- PUT -------------------------------------------------------------------------------------------


def update(store: Store, provider: LeadProvider, partnership_id: str, dp: Any) -> Partnership:
    return rules.update_partnership(store, provider, NOW, partnership_id, delivery_partner_id=dp)


def update_refused(
    store: Store, provider: LeadProvider, partnership_id: str, dp: Any
) -> dict[str, list[str]]:
    before = snapshot(store)
    with pytest.raises(ValidationFailed) as raised:
        update(store, provider, partnership_id, dp)
    assert snapshot(store) == before
    return raised.value.errors


def test_update_changes_the_delivery_partner_only(store: Store, provider: LeadProvider) -> None:
    partnership = own_confirmed(store, provider)
    new_dp = dp_for(store, provider, COHORT, skip=partnership.delivery_partner_id)
    ids = set(store.partnerships)
    assert update(store, provider, partnership.id, new_dp) is partnership
    assert set(store.partnerships) == ids
    assert (partnership.delivery_partner_id, partnership.updated_at, partnership.challenged) == (
        new_dp,
        NOW,
        False,
    )
    assert store.schools[partnership.school_id].updated_at == NOW
    record = next(r for r in store.induction_records.values() if r.partnership_id == partnership.id)
    assert store.ecf_profiles[record.profile_id].updated_at == NOW


def test_update_with_the_same_partner_changes_nothing(store: Store, provider: LeadProvider) -> None:
    partnership = own_confirmed(store, provider)
    before = snapshot(store)
    assert update(store, provider, partnership.id, partnership.delivery_partner_id) is partnership
    assert snapshot(store) == before


@pytest.mark.parametrize("whose", ["other", "relationship", "unknown"])
def test_update_of_a_partnership_that_is_not_the_providers(
    store: Store, provider: LeadProvider, other: LeadProvider, whose: str
) -> None:
    target = {
        "other": lambda: own_confirmed(store, other).id,
        "relationship": lambda: next(
            p.id for p in store.partnerships.values() if p.relationship and p.lead_provider_id == provider.id
        ),
        "unknown": unknown_id,
    }[whose]()
    with pytest.raises(NotFound):
        update(store, provider, target, None)  # the 404 comes before any attribute check


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_update_needs_a_delivery_partner(store: Store, provider: LeadProvider, blank: Any) -> None:
    partnership = own_confirmed(store, provider)
    assert update_refused(store, provider, partnership.id, blank) == {
        "delivery_partner_id": [BLANK["delivery_partner_id"]]
    }


@pytest.mark.parametrize("dp", [str(uuid.UUID(int=9, version=4)), 42])
def test_update_with_an_unknown_partner(store: Store, provider: LeadProvider, dp: Any) -> None:
    partnership = own_confirmed(store, provider)
    assert update_refused(store, provider, partnership.id, dp) == {"delivery_partner_id": [DP["invalid"]]}


def test_update_with_a_partner_not_working_with_the_provider_that_cohort(
    store: Store, provider: LeadProvider
) -> None:
    partnership = own_confirmed(store, provider, 2022)
    dp = dp_joining_in(store, provider, 2023)
    assert update_refused(store, provider, partnership.id, dp) == {
        "delivery_partner_id": [DP["no_relationship"]]
    }


def test_a_challenged_partnership_cannot_be_updated(store: Store, provider: LeadProvider) -> None:
    partnership = next(
        p for p in store.partnerships.values() if p.lead_provider_id == provider.id and p.challenged
    )
    new_dp = dp_for(store, provider, COHORT, skip=partnership.delivery_partner_id)
    assert update_refused(store, provider, partnership.id, new_dp) == {
        "delivery_partner_id": [DP["challenged"]]
    }
    # The partner checks come first; even its own partner is refused while challenged.
    assert update_refused(store, provider, partnership.id, unknown_id()) == {
        "delivery_partner_id": [DP["invalid"]]
    }
    same = partnership.delivery_partner_id
    assert update_refused(store, provider, partnership.id, same) == {
        "delivery_partner_id": [DP["challenged"]]
    }


def test_update_to_a_partner_already_partnered_at_the_school(store: Store, provider: LeadProvider) -> None:
    partnership = own_confirmed(store, provider)
    school = store.schools[partnership.school_id]
    new_dp = dp_for(store, provider, COHORT, skip=partnership.delivery_partner_id)
    partner(store, provider, school, dp=new_dp, relationship=True, now=NOW - timedelta(days=1))
    assert update_refused(store, provider, partnership.id, new_dp) == {
        "delivery_partner_id": [DP["duplicate"]]
    }
