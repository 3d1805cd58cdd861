"""The v3-only reads of the money and organisation side: statements (domain.md §4.8), partnerships
(§4.10 reads), schools (§4.11) and delivery partners (§4.12)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sandbox.contracts.manage_cpd import V3
from sandbox.domain.errors import NotFound
from sandbox.domain.finance.statements import (
    StatementFilter,
    get_statement,
    list_statements,
    next_output_statement,
)
from sandbox.domain.listing import SortKey
from sandbox.domain.partnerships.reads import (
    PartnershipFilter,
    SchoolFilter,
    get_delivery_partner,
    get_partnership,
    get_school,
    list_delivery_partners,
    list_partnerships,
    list_schools,
    partnership_view,
)
from sandbox.domain.world import registration as reg
from sandbox.presenters.v3_resources import (
    render_delivery_partner,
    render_partnership,
    render_school,
    render_statement,
)
from tests.domain.test_reads_world import World

# -- §4.8 statements --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ledger_world():
    world = World()
    mine, theirs, ecf_only = world.provider(), world.provider(), world.provider(npq=False)
    for provider in (mine, theirs, ecf_only):
        world.statements(provider)
    return world, mine, theirs, ecf_only


def test_the_list_shows_only_the_providers_output_fee_statements(ledger_world):
    world, mine, _, _ = ledger_world
    listed = list_statements(world.store, mine, StatementFilter())
    own = [s for s in world.store.statements.values() if s.lead_provider_id == mine.id]
    assert {s.id for s in listed} == {s.id for s in own if s.output_fee}
    assert any(not s.output_fee for s in own), "the world has non-output statements to hide"


def test_the_list_is_ordered_by_payment_date(ledger_world):
    world, mine, _, _ = ledger_world
    dates = [s.payment_date for s in list_statements(world.store, mine, StatementFilter())]
    assert dates == sorted(dates)


@pytest.mark.parametrize(
    ("value", "kinds"), [("ecf", {"ecf"}), ("npq", {"npq"}), ("", {"ecf", "npq"}), (None, {"ecf", "npq"})]
)
def test_type_filter(ledger_world, value, kinds):
    world, mine, _, _ = ledger_world
    assert {s.type for s in list_statements(world.store, mine, StatementFilter(type=value))} == kinds


@pytest.mark.parametrize("value", ["ECF", "cip", "ecf,npq", "ecf "])
def test_any_other_type_gives_an_empty_list(ledger_world, value):
    world, mine, _, _ = ledger_world
    assert list_statements(world.store, mine, StatementFilter(type=value)) == []


def test_cohort_filter_takes_a_list(ledger_world):
    world, mine, _, _ = ledger_world
    assert {s.cohort for s in list_statements(world.store, mine, StatementFilter(cohorts=[2022, 2024]))} == {
        2022,
        2024,
    }
    assert list_statements(world.store, mine, StatementFilter(cohorts=[2019])) == []


def test_updated_since_is_inclusive(ledger_world):
    world, mine, _, _ = ledger_world
    statements = list_statements(world.store, mine, StatementFilter())
    pivot = max(s.updated_at for s in statements)
    at_pivot = list_statements(world.store, mine, StatementFilter(updated_since=pivot))
    assert at_pivot and all(s.updated_at == pivot for s in at_pivot)
    assert (
        list_statements(world.store, mine, StatementFilter(updated_since=pivot + timedelta(seconds=1))) == []
    )


def test_any_own_statement_is_readable_by_id_and_no_one_elses(ledger_world):
    world, mine, theirs, _ = ledger_world
    hidden = next(
        s for s in world.store.statements.values() if s.lead_provider_id == mine.id and not s.output_fee
    )
    assert get_statement(world.store, mine, hidden.id) is hidden
    with pytest.raises(NotFound):
        get_statement(world.store, theirs, hidden.id)
    with pytest.raises(NotFound):
        get_statement(world.store, mine, "no-such-statement")


def test_an_ecf_only_provider_has_only_ecf_statements(ledger_world):
    world, _, _, ecf_only = ledger_world
    assert {s.type for s in list_statements(world.store, ecf_only, StatementFilter())} == {"ecf"}


def test_a_service_of_the_ecf_side_has_ecf_statements_only_and_no_type_filter(ledger_world):
    world, mine, _, _ = ledger_world
    for value in (None, "npq", "ecf"):
        listed = list_statements(world.store, mine, StatementFilter(type=value, side="ecf"))
        assert listed and {s.type for s in listed} == {"ecf"}
    npq = next(
        s for s in world.store.statements.values() if s.lead_provider_id == mine.id and s.type == "npq"
    )
    assert get_statement(world.store, mine, npq.id) is npq
    with pytest.raises(NotFound):
        get_statement(world.store, mine, npq.id, side="ecf")


def test_next_output_statement_is_the_earliest_whose_deadline_has_not_passed(ledger_world):
    world, mine, _, _ = ledger_world
    outputs = sorted(
        (s for s in list_statements(world.store, mine, StatementFilter(type="ecf", cohorts=[2024]))),
        key=lambda s: s.deadline_date,
    )
    first, second = outputs[0], outputs[1]
    assert next_output_statement(world.store, mine, "ecf", 2024, first.deadline_date) is first
    assert (
        next_output_statement(world.store, mine, "ecf", 2024, first.deadline_date + timedelta(days=1))
        is second
    )
    assert next_output_statement(world.store, mine, "ecf", 2024, date(2040, 1, 1)) is None


def test_a_statement_renders_month_year_and_dates(ledger_world):
    world, mine, _, _ = ledger_world
    statement = list_statements(world.store, mine, StatementFilter(type="ecf", cohorts=[2024]))[0]
    attrs = render_statement(statement, V3)["attributes"]
    assert attrs["month"] == date(2000, statement.month, 1).strftime("%B")
    assert attrs["year"] == str(statement.year) and attrs["cohort"] == "2024" and attrs["type"] == "ecf"
    assert attrs["cut_off_date"] == statement.deadline_date.isoformat()
    assert attrs["payment_date"] == statement.payment_date.isoformat()


# -- §4.10 partnerships (reads) -----------------------------------------------------------------------


@pytest.fixture
def partnered():
    world = World()
    mine, theirs = world.provider(), world.provider()
    confirmed = world.partnership(mine, cohort=2023)
    challenged = world.partnership(mine, cohort=2024)
    relationship = world.partnership(mine, relationship=True)
    other = world.partnership(theirs)
    world.challenge(challenged, "no_ects")
    return world, mine, theirs, confirmed, challenged, relationship, other


def test_partnerships_lists_the_providers_confirmed_ones_challenged_included(partnered):
    world, mine, _, confirmed, challenged, relationship, other = partnered
    listed = [p.id for p in list_partnerships(world.store, mine, PartnershipFilter())]
    assert listed == [confirmed.id, challenged.id]
    for hidden in (relationship, other):
        with pytest.raises(NotFound):
            get_partnership(world.store, mine, hidden.id)
    assert get_partnership(world.store, mine, challenged.id) is challenged


def test_a_challenged_partnership_renders_its_challenge(partnered):
    world, _, _, confirmed, challenged, _, _ = partnered
    attrs = render_partnership(partnership_view(world.store, challenged), V3)["attributes"]
    assert (attrs["status"], attrs["challenged_reason"]) == ("challenged", "no_ects")
    assert attrs["challenged_at"].endswith(".000Z") and len(attrs["challenged_at"]) == 24
    active = render_partnership(partnership_view(world.store, confirmed), V3)["attributes"]
    assert (active["status"], active["challenged_reason"], active["challenged_at"]) == ("active", None, None)


def test_partnership_filters_take_lists(partnered):
    world, mine, _, confirmed, challenged, _, _ = partnered

    def listed(**flt) -> list[str]:
        return [p.id for p in list_partnerships(world.store, mine, PartnershipFilter(**flt))]

    assert listed(cohorts=[2023]) == [confirmed.id]
    assert listed(cohorts=[2023, 2024]) == [confirmed.id, challenged.id]
    assert listed(delivery_partner_ids=[challenged.delivery_partner_id, "x"]) == [challenged.id]


def test_partnership_updated_since_sees_school_and_delivery_partner_changes(partnered):
    world, mine, _, confirmed, challenged, _, _ = partnered
    since = world.tick()
    assert list_partnerships(world.store, mine, PartnershipFilter(updated_since=since)) == []
    world.store.schools[confirmed.school_id].updated_at = since
    assert [p.id for p in list_partnerships(world.store, mine, PartnershipFilter(updated_since=since))] == [
        confirmed.id
    ]
    world.store.delivery_partners[challenged.delivery_partner_id].updated_at = since
    listed = list_partnerships(world.store, mine, PartnershipFilter(updated_since=since))
    assert [p.id for p in listed] == [confirmed.id, challenged.id]
    rendered = render_partnership(partnership_view(world.store, confirmed), V3)["attributes"]
    assert rendered["updated_at"] == since.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_partnership_sort_descending_and_unknown_columns(partnered):
    world, mine, _, confirmed, challenged, _, _ = partnered
    newest_first = list_partnerships(
        world.store, mine, PartnershipFilter(), [SortKey("created_at", descending=True)]
    )
    assert [p.id for p in newest_first] == [challenged.id, confirmed.id]
    by_cohort = list_partnerships(
        world.store, mine, PartnershipFilter(), [SortKey("bogus"), SortKey("cohort", True)]
    )
    assert [p.id for p in by_cohort] == [challenged.id, confirmed.id]


# -- §4.11 schools ----------------------------------------------------------------------------------


@pytest.fixture
def schools():
    world = World()
    mine, theirs = world.provider(), world.provider()
    s = {
        "eligible": world.school(),
        "ineligible": world.school(eligible=False),
        "cip_only": world.school(eligible=False, cip_only=True),
        "ineligible_partnered": world.school(eligible=False),
        "cip_partnered": world.school(eligible=False, cip_only=True),
        "ineligible_challenged": world.school(eligible=False),
        "ineligible_relationship": world.school(eligible=False),
        "partnered_elsewhere": world.school(),
    }
    world.partnership(theirs, s["ineligible_partnered"])
    world.partnership(mine, s["cip_partnered"])
    world.challenge(world.partnership(mine, s["ineligible_challenged"]))
    world.partnership(mine, s["ineligible_relationship"], relationship=True)
    world.partnership(theirs, s["partnered_elsewhere"], cohort=2023)
    return world, s


def names(world: World, views) -> list[str]:
    return [v.school.name for v in views]


def test_listed_schools_are_eligible_or_confirmed_partners_in_the_cohort(schools):
    world, s = schools
    listed = {v.school.id for v in list_schools(world.store, SchoolFilter(cohort=2024))}
    expected = {"eligible", "ineligible_partnered", "cip_partnered", "partnered_elsewhere"}
    assert listed == {s[k].id for k in expected}
    for key in set(s) - expected:
        with pytest.raises(NotFound):
            get_school(world.store, s[key].id, SchoolFilter(cohort=2024))


def test_in_partnership_counts_any_unchallenged_partnership_of_the_cohort(schools):
    world, s = schools

    def in_partnership(key: str, cohort: int = 2024) -> bool:
        return get_school(world.store, s[key].id, SchoolFilter(cohort=cohort)).in_partnership

    assert in_partnership("ineligible_partnered") and in_partnership("cip_partnered")
    assert not in_partnership("eligible")
    assert not in_partnership("partnered_elsewhere") and in_partnership("partnered_elsewhere", 2023)
    # A school-side relationship partnership counts as a partnership, though it does not list the school.
    relationship = world.school()
    world.partnership(world.provider(), relationship, relationship=True)
    assert get_school(world.store, relationship.id, SchoolFilter(cohort=2024)).in_partnership


def test_induction_programme_choice_defaults_to_not_yet_known(schools):
    world, s = schools
    assert (
        get_school(world.store, s["eligible"].id, SchoolFilter(cohort=2024)).induction_programme_choice
        == "not_yet_known"
    )
    partnered = get_school(world.store, s["cip_partnered"].id, SchoolFilter(cohort=2024))
    assert partnered.induction_programme_choice == "full_induction_programme"
    reg.set_school_cohort(
        world.store,
        school_id=s["eligible"].id,
        cohort=2024,
        induction_programme_choice="design_our_own",
        now=world.tick(),
    )
    attrs = render_school(get_school(world.store, s["eligible"].id, SchoolFilter(cohort=2024)), V3)[
        "attributes"
    ]
    assert (attrs["induction_programme_choice"], attrs["cohort"]) == ("design_our_own", "2024")


@pytest.mark.parametrize("cohort", [None, 2020, 2031])
def test_an_unknown_or_missing_cohort_lists_nothing(schools, cohort):
    world, s = schools
    assert list_schools(world.store, SchoolFilter(cohort=cohort)) == []
    with pytest.raises(NotFound):
        get_school(world.store, s["eligible"].id, SchoolFilter(cohort=cohort))


def test_school_urn_and_updated_since_filters(schools):
    world, s = schools
    assert names(world, list_schools(world.store, SchoolFilter(cohort=2024, urn=s["eligible"].urn))) == [
        s["eligible"].name
    ]
    since = world.tick()
    assert list_schools(world.store, SchoolFilter(cohort=2024, updated_since=since)) == []
    reg.set_school_cohort(
        world.store,
        school_id=s["eligible"].id,
        cohort=2024,
        induction_programme_choice="school_funded_fip",
        now=since,
    )
    [view] = list_schools(world.store, SchoolFilter(cohort=2024, updated_since=since))
    assert view.school.id == s["eligible"].id and view.updated_at == since
    # Another cohort's school-cohort change does not count for this cohort's view.
    reg.set_school_cohort(
        world.store,
        school_id=s["eligible"].id,
        cohort=2023,
        induction_programme_choice="design_our_own",
        now=world.tick(),
    )
    assert list_schools(world.store, SchoolFilter(cohort=2024, updated_since=world.clock)) == []


def test_schools_sort_by_created_at_by_default_and_by_columns_on_request(schools):
    world, s = schools
    default = list_schools(world.store, SchoolFilter(cohort=2024))
    assert [v.school.created_at for v in default] == sorted(v.school.created_at for v in default)
    by_name = list_schools(world.store, SchoolFilter(cohort=2024), [SortKey("name", descending=True)])
    assert names(world, by_name) == sorted(names(world, default), reverse=True)


# -- §4.12 delivery partners --------------------------------------------------------------------------


def test_delivery_partners_related_in_the_filtered_cohorts_with_every_cohort_shown():
    world = World()
    mine, theirs = world.provider(), world.provider()
    both = world.delivery_partner(mine, 2024, 2022)
    recent = world.delivery_partner(mine, 2024)
    foreign = world.delivery_partner(theirs, 2024, 2023)

    def listed(cohorts):
        return [
            (v.delivery_partner.id, v.cohorts) for v in list_delivery_partners(world.store, mine, cohorts)
        ]

    assert listed(None) == [(both.id, [2022, 2024]), (recent.id, [2024])]
    assert listed([2022]) == [(both.id, [2022, 2024])]
    assert listed([2021, 2023]) == []
    assert render_delivery_partner(get_delivery_partner(world.store, mine, both.id), V3)["attributes"][
        "cohort"
    ] == [
        "2022",
        "2024",
    ]
    with pytest.raises(NotFound):
        get_delivery_partner(world.store, mine, foreign.id)
    with pytest.raises(NotFound):
        get_delivery_partner(world.store, mine, "unknown")


def test_who_trains_today_is_counted_on_the_contracts_days():
    # 23:30 UTC on 1 June is 00:30 on 2 June in London: the training period starts on London's 2 June.
    world = World()
    mine = world.provider()
    partnership = world.partnership(mine, cohort=2025)
    user = world.user()
    starts = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
    reg.record_registration(
        world.store,
        user_id=user.id,
        participant_type="ect",
        partnership_id=partnership.id,
        now=starts - timedelta(days=30),
        start_date=starts,
    )
    london = ZoneInfo("Europe/London")

    def training(day: date, zone=london) -> int:
        return partnership_view(world.store, partnership, day, zone).participants_currently_training

    assert (training(date(2026, 6, 1)), training(date(2026, 6, 2))) == (0, 1)
    assert training(date(2026, 6, 1), UTC) == 1
