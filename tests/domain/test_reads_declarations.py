"""Declarations as a provider reads them (domain.md §4.7): which ones it sees, the per-version
`updated_since` comparison, the list filters, and the computed fields (has_passed, uplift_paid, ...)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sandbox.api.params import read_filters
from sandbox.contracts import BY_NAME
from sandbox.contracts.manage_cpd import QUERIES
from sandbox.domain.declarations.reads import (
    DeclarationFilter,
    DeclarationScope,
    declaration_view,
    get_declaration,
    has_passed,
    list_declarations,
    uplift_paid,
)
from sandbox.domain.errors import NotFound
from sandbox.domain.finance import ledger
from sandbox.domain.world import registration as reg
from sandbox.presenters import declarations as present
from tests.domain.test_reads_world import World

BILLABLE_OR_CHANGEABLE = ("submitted", "eligible", "payable", "paid")
NOT_BILLABLE = ("voided", "ineligible", "awaiting_clawback", "clawed_back")


def shown(world: World, declaration, version: str) -> dict:
    """The declaration's attributes as `version` renders them."""
    return present.render(declaration_view(world.store, declaration), BY_NAME[version])["attributes"]


def ids(declarations) -> list[str]:
    return [d.id for d in declarations]


@pytest.fixture
def moved():
    """An ECT trained and declared for by `old`, now actively training with `new` at another school;
    `other` has nothing to do with them."""
    world = World()
    old, new, other = world.provider("Old"), world.provider("New"), world.provider("Other")
    for provider in (old, new, other):
        world.statements(provider)
    user, profile, _ = world.ect(world.partnership(old))
    declarations = {
        state: world.declaration(profile, old, state=state, declaration_type=kind)
        for state, kind in zip(
            BILLABLE_OR_CHANGEABLE + NOT_BILLABLE,
            [
                "started",
                "retained-1",
                "retained-2",
                "retained-3",
                "retained-4",
                "completed",
                "started",
                "started",
            ],
            strict=True,
        )
    }
    new_partnership = world.partnership(new)
    world.transfer(profile, leaving_date=world.tick(), to=new_partnership)
    return world, old, new, other, user, profile, declarations, new_partnership


# -- visibility -------------------------------------------------------------------------------------


def test_a_provider_sees_every_declaration_it_made_in_any_state(moved):
    world, old, _, _, _, _, declarations, _ = moved
    assert ids(list_declarations(world.store, old, DeclarationFilter())) == ids(declarations.values())


def test_the_new_provider_sees_the_old_providers_billable_declarations_only(moved):
    world, _, new, _, _, _, declarations, _ = moved
    assert ids(list_declarations(world.store, new, DeclarationFilter())) == [
        declarations[s].id for s in BILLABLE_OR_CHANGEABLE
    ]
    for state in BILLABLE_OR_CHANGEABLE:
        assert get_declaration(world.store, new, declarations[state].id) is declarations[state]
    for state in NOT_BILLABLE:
        with pytest.raises(NotFound):
            get_declaration(world.store, new, declarations[state].id)


def test_an_unrelated_provider_sees_none_of_them(moved):
    world, _, _, other, _, _, declarations, _ = moved
    assert list_declarations(world.store, other, DeclarationFilter()) == []
    with pytest.raises(NotFound):
        get_declaration(world.store, other, declarations["paid"].id)


def test_only_an_active_record_with_the_new_provider_shares_declarations(moved):
    world, _, new, _, _, profile, _, _ = moved
    world.transfer(profile, leaving_date=world.tick())  # the new school reports them leaving too
    assert list_declarations(world.store, new, DeclarationFilter()) == []


def test_a_challenged_partnership_with_an_active_record_still_shares_them(moved):
    # Upstream joins the provider's partnerships without a challenge condition here.
    world, _, new, _, _, _, declarations, new_partnership = moved
    world.challenge(new_partnership)
    assert ids(list_declarations(world.store, new, DeclarationFilter())) == [
        declarations[s].id for s in BILLABLE_OR_CHANGEABLE
    ]


def test_another_providers_npq_declarations_are_never_shared():
    world = World()
    mine, theirs = world.provider(), world.provider()
    world.statements(mine)
    profile = world.accept(world.application(mine))
    world.declaration(profile, mine, state="eligible")
    assert list_declarations(world.store, theirs, DeclarationFilter()) == []


def test_a_scope_of_the_ecf_side_without_ineligible_hides_those_everywhere(moved):
    world, old, _, _, _, _, declarations, _ = moved
    scope = DeclarationScope(side="ecf", hidden_states=("ineligible",))
    assert ids(list_declarations(world.store, old, DeclarationFilter(), scope)) == [
        d.id for state, d in declarations.items() if state != "ineligible"
    ]
    with pytest.raises(NotFound):
        get_declaration(world.store, old, declarations["ineligible"].id, scope)
    assert get_declaration(world.store, old, declarations["ineligible"].id) is declarations["ineligible"]


def test_an_ecf_scope_holds_no_npq_declaration():
    world = World()
    mine = world.provider()
    world.statements(mine)
    npq = world.declaration(world.accept(world.application(mine)), mine, state="eligible")
    assert list_declarations(world.store, mine, DeclarationFilter(), DeclarationScope(side="ecf")) == []
    with pytest.raises(NotFound):
        get_declaration(world.store, mine, npq.id, DeclarationScope(side="ecf"))


def test_the_list_is_ordered_by_created_at(moved):
    world, old, _, _, _, _, _, _ = moved
    listed = list_declarations(world.store, old, DeclarationFilter())
    assert [d.created_at for d in listed] == sorted(d.created_at for d in listed)


# -- filters ----------------------------------------------------------------------------------------


def test_updated_since_is_strict_in_v1_v2_and_inclusive_in_v3(moved):
    world, old, _, _, _, _, declarations, _ = moved
    pivot = declarations["paid"]

    def listed(version: str) -> list[str]:
        listing = BY_NAME[version].declarations.listing
        flt = read_filters(listing, {"updated_since": pivot.updated_at.isoformat()}, QUERIES)
        return ids(list_declarations(world.store, old, DeclarationFilter(**flt)))

    later = [d.id for d in declarations.values() if d.updated_at > pivot.updated_at]
    assert listed("v1") == listed("v2") == later
    assert listed("v3") == [pivot.id, *later]


@pytest.fixture
def spread():
    """One provider's declarations on two ECTs in different cohorts with different delivery partners."""
    world = World()
    provider = world.provider()
    world.statements(provider)
    first = world.partnership(provider, cohort=2023)
    second = world.partnership(provider, cohort=2024)
    a_user, a_profile, _ = world.ect(first)
    b_user, b_profile, _ = world.ect(second)
    a = world.declaration(a_profile, provider)
    b = world.declaration(b_profile, provider)
    return world, provider, (a_user, first, a), (b_user, second, b)


def test_cohort_participant_and_delivery_partner_filters_take_lists(spread):
    world, provider, (a_user, a_partnership, a), (b_user, b_partnership, b) = spread

    def listed(**flt) -> list[str]:
        return ids(list_declarations(world.store, provider, DeclarationFilter(**flt)))

    assert listed(cohorts=[2023]) == [a.id]
    assert listed(cohorts=[2023, 2024]) == [a.id, b.id]
    assert listed(cohorts=[2021]) == []
    assert listed(participant_ids=[b_user.id]) == [b.id]
    assert listed(participant_ids=[a_user.id, b_user.id]) == [a.id, b.id]
    assert listed(delivery_partner_ids=[b_partnership.delivery_partner_id]) == [b.id]
    assert listed(delivery_partner_ids=[a_partnership.delivery_partner_id, "nope"]) == [a.id]
    assert listed(cohorts=[2024], participant_ids=[a_user.id]) == []


def test_the_declaration_keeps_the_cohort_and_delivery_partner_of_its_day(spread):
    _, _, (_, a_partnership, a), _ = spread
    assert (a.cohort, a.delivery_partner_id) == (2023, a_partnership.delivery_partner_id)


# -- computed fields --------------------------------------------------------------------------------


@pytest.fixture
def npq_completed():
    world = World()
    provider = world.provider()
    world.statements(provider)
    profile = world.accept(world.application(provider))
    declaration = world.declaration(profile, provider, declaration_type="completed", state="eligible")
    return world, declaration


def test_has_passed_follows_the_latest_outcome(npq_completed):
    world, declaration = npq_completed
    assert has_passed(world.store, declaration) is None
    world.outcome(declaration, "passed")
    assert has_passed(world.store, declaration) is True
    world.outcome(declaration, "failed")
    assert has_passed(world.store, declaration) is False
    world.outcome(declaration, "voided")
    assert has_passed(world.store, declaration) is None


def test_has_passed_takes_the_last_recorded_outcome_of_one_instant(npq_completed):
    # Under a fixed clock a POST and a void land on the same instant: the later record still wins.
    world, declaration = npq_completed
    at = world.tick()
    for state in ("passed", "voided"):
        ledger.record_npq_outcome(
            world.store, declaration_id=declaration.id, state=state, completion_date=date(2025, 1, 15), now=at
        )
    assert has_passed(world.store, declaration) is None


def test_has_passed_is_null_for_ecf():
    world = World()
    provider = world.provider()
    world.statements(provider)
    _, profile, _ = world.ect(world.partnership(provider))
    assert has_passed(world.store, world.declaration(profile, provider, declaration_type="completed")) is None


@pytest.mark.parametrize(
    ("kind", "declaration_type", "state", "uplift", "expected"),
    [
        ("ect", "started", "paid", True, True),
        ("ect", "started", "awaiting_clawback", True, True),
        ("ect", "started", "clawed_back", True, True),
        ("ect", "started", "payable", True, False),
        ("ect", "retained-1", "paid", True, False),
        ("ect", "started", "paid", False, False),
        ("mentor", "started", "paid", True, False),
    ],
)
def test_uplift_paid_for_ecf(kind, declaration_type, state, uplift, expected):
    world = World()
    provider = world.provider()
    world.statements(provider)
    partnership = world.partnership(provider)
    _, profile, _ = world.ect(partnership) if kind == "ect" else world.mentor(partnership)
    reg.record_eligibility(
        world.store, profile_id=profile.id, eligibility="eligible", sparsity_uplift=uplift, now=world.tick()
    )
    declaration = world.declaration(profile, provider, declaration_type=declaration_type, state=state)
    assert uplift_paid(world.store, declaration) is expected


@pytest.mark.parametrize(
    ("course", "declaration_type", "state", "targeted", "expected"),
    [
        ("npq-headship", "started", "paid", True, True),
        ("npq-headship", "started", "paid", False, False),
        ("npq-headship", "started", "eligible", True, False),
        ("npq-headship", "completed", "paid", True, False),
        ("npq-early-headship-coaching-offer", "started", "paid", True, False),
    ],
)
def test_uplift_paid_for_npq(course, declaration_type, state, targeted, expected):
    world = World()
    provider = world.provider()
    world.statements(provider)
    profile = world.accept(
        world.application(provider, course=course, targeted_delivery_funding_eligibility=targeted)
    )
    declaration = world.declaration(profile, provider, declaration_type=declaration_type, state=state)
    assert uplift_paid(world.store, declaration) is expected


def test_v3_fields_of_an_ect_declaration_made_by_another_provider(moved):
    world, old, new, _, _, _, declarations, _ = moved
    paid = declarations["paid"]
    attrs = shown(world, paid, "v3")
    assert attrs["lead_provider_name"] == "Old"  # the maker, whoever reads it
    assert attrs["state"] == "paid" and attrs["statement_id"] == paid.statement_id
    assert attrs["delivery_partner_id"] == paid.delivery_partner_id is not None
    clawback = shown(world, declarations["awaiting_clawback"], "v3")
    assert clawback["state"] == "awaiting-clawback" and clawback["clawback_statement_id"] is not None


def test_mentor_id_is_shown_on_ect_declarations_only():
    world = World()
    provider = world.provider()
    world.statements(provider)
    partnership = world.partnership(provider)
    mentor_user, mentor, _ = world.mentor(partnership)
    _, ect, _ = world.ect(partnership, mentor=mentor)
    ect_attrs = shown(world, world.declaration(ect, provider), "v3")
    mentor_attrs = shown(world, world.declaration(mentor, provider), "v3")
    assert (ect_attrs["mentor_id"], mentor_attrs["mentor_id"]) == (mentor_user.id, None)


def test_npq_declarations_have_no_delivery_partner_or_evidence(npq_completed):
    world, declaration = npq_completed
    declaration.evidence_held = "other"
    attrs = shown(world, declaration, "v3")
    assert (attrs["delivery_partner_id"], attrs["evidence_held"], attrs["mentor_id"]) == (None, None, None)


def test_ineligible_for_funding_reason_shows_only_on_an_ineligible_declaration():
    world = World()
    provider = world.provider()
    world.statements(provider)
    _, profile, _ = world.ect(world.partnership(provider))
    kept = world.declaration(
        profile, provider, state="ineligible", ineligible_for_funding_reason="duplicate_declaration"
    )
    voided = world.declaration(
        profile, provider, state="voided", ineligible_for_funding_reason="duplicate_declaration"
    )
    reasons = [shown(world, d, "v3")["ineligible_for_funding_reason"] for d in (kept, voided)]
    assert reasons == ["duplicate_declaration", None]


@pytest.mark.parametrize(
    ("state", "eligible_for_payment", "voided"),
    [
        ("submitted", False, False),
        ("eligible", True, False),
        ("payable", True, False),
        ("paid", False, False),
        ("voided", False, True),
    ],
)
def test_v1_only_fields(moved, state, eligible_for_payment, voided):
    world, _, _, _, _, _, declarations, _ = moved
    v1 = shown(world, declarations[state], "v1")
    assert (v1["eligible_for_payment"], v1["voided"]) == (eligible_for_payment, voided)
    v2 = shown(world, declarations[state], "v2")
    assert "eligible_for_payment" not in v2 and "voided" not in v2 and "created_at" not in v2


def test_v1_v2_csv_rows_carry_the_columns_of_their_version(moved):
    world, old, _, _, _, _, declarations, _ = moved
    listed = list_declarations(world.store, old, DeclarationFilter())
    for version in ("v1", "v2"):
        rows = present.csv_rows([declaration_view(world.store, d) for d in listed], BY_NAME[version])
        assert set(BY_NAME[version].declarations.csv_columns) <= set(rows[0])
        assert [r["id"] for r in rows] == ids(declarations.values())
    assert BY_NAME["v2"].declarations.csv_columns == tuple(
        c for c in BY_NAME["v1"].declarations.csv_columns if c not in ("eligible_for_payment", "voided")
    )


def test_declaration_date_and_updated_at_render_to_the_second():
    world = World()
    provider = world.provider()
    world.statements(provider)
    _, profile, _ = world.ect(world.partnership(provider))
    when = datetime(2024, 10, 1, 9, 30, 15, 987654, tzinfo=UTC)
    world.clock = when + timedelta(days=1)
    attrs = shown(world, world.declaration(profile, provider, declaration_date=when), "v2")
    assert attrs["declaration_date"] == "2024-10-01T09:30:15Z"
