"""Facts from domain.md §2.1-2.5 and §4.4 that the reference data must reproduce."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import yaml

from sandbox import resources
from sandbox.domain.world.reference import Milestone, ReferenceData, load, milestone_window_check

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def ref() -> ReferenceData:
    return ReferenceData.load()


# -- cohorts and courses -------------------------------------------------------------------------------------


def test_cohorts_2021_to_2024_in_order(ref: ReferenceData) -> None:
    assert [c.start_year for c in ref.cohorts] == [2021, 2022, 2023, 2024]
    assert ref.cohort(2020) is None


def test_only_2021_has_payments_frozen(ref: ReferenceData) -> None:
    assert ref.cohort(2021).payments_frozen_at == date(2024, 4, 3)
    assert all(ref.cohort(y).payments_frozen_at is None for y in (2022, 2023, 2024))
    assert ref.cohort(2023).registration_start_date == date(2023, 6, 5)
    assert ref.cohort(2024).registration_start_date == date(2024, 4, 3)
    assert ref.cohort(2024).academic_year_start_date == date(2024, 9, 1)


def test_courses(ref: ReferenceData) -> None:
    assert ref.is_ecf_course("ecf-induction") and ref.is_ecf_course("ecf-mentor")
    assert not ref.is_npq_course("ecf-mentor")
    assert len([c for c in ref.courses if c.type == "npq"]) == 12
    assert ref.npq_family("npq-senco") == "leadership"
    assert ref.npq_family("npq-leading-primary-mathematics") == "specialist"
    assert ref.npq_family("npq-early-headship-coaching-offer") == "ehco"
    assert ref.npq_family("npq-additional-support-offer") == "aso"
    assert ref.npq_family("ecf-induction") is None
    assert ref.course("npq-headship").name
    assert ref.course("nope") is None


def test_load_accepts_explicit_dir() -> None:
    from sandbox.domain.world.reference import DEFAULT_FIXTURES_DIR

    assert load(DEFAULT_FIXTURES_DIR).cohort(2022) is not None


# -- schedules and milestones --------------------------------------------------------------------------------


def test_ecf_standard_september_2023_retained_2(ref: ReferenceData) -> None:
    schedule = ref.schedule("ecf-standard-september", 2023)
    assert ref.milestone(schedule, "retained-2") == Milestone(
        "retained-2", date(2024, 4, 1), date(2024, 7, 31), date(2024, 8, 31)
    )


def test_ecf_standard_seed_dates_beat_docs(ref: ReferenceData) -> None:
    april_2021 = ref.schedule("ecf-standard-april", 2021)
    assert april_2021.milestone("started").start_date == date(2022, 4, 1)
    assert april_2021.milestone("completed").milestone_date == date(2024, 3, 31)
    assert ref.schedule("ecf-standard-january", 2024).milestone("completed").payment_date == date(2027, 1, 31)


def test_ecf_standard_january_2021_has_no_completed(ref: ReferenceData) -> None:
    schedule = ref.schedule("ecf-standard-january", 2021)
    assert ref.milestone(schedule, "completed") is None
    assert schedule.declaration_types == ("started", "retained-1", "retained-2", "retained-3", "retained-4")


def test_every_standard_milestone_has_an_end_until_2025(ref: ReferenceData) -> None:
    standard = [s for s in ref.schedules if s.identifier.startswith("ecf-standard-")]
    assert len(standard) == 3 * 6
    before = [s for s in standard if s.cohort < 2025]
    assert all(m.milestone_date is not None for s in before for m in s.milestones)
    # RECT's 2025 and 2026 milestones have a start only (rect.md §4.2).
    assert all(m.milestone_date is None for s in standard if s.cohort >= 2025 for m in s.milestones)
    assert ref.schedule("ecf-standard-september", 2025).milestone("completed").start_date == date(2025, 6, 1)
    assert ref.schedule("ecf-standard-april", 2026).milestone("started").start_date == date(2027, 4, 1)


def test_rect_contract_periods_say_what_each_year_allows(ref: ReferenceData) -> None:
    assert ref.contract_period(2022).payments_frozen(date(2025, 6, 16))
    assert not ref.contract_period(2022).payments_frozen(date(2025, 6, 15))
    assert [y for y in range(2021, 2027) if ref.contract_period(y).mentor_funding] == [2025, 2026]
    assert [y for y in range(2021, 2027) if ref.contract_period(y).enabled] == [2023, 2024, 2025, 2026]
    assert ref.contract_period(2027) is None


def test_non_standard_ecf_schedules_are_open_ended_from_their_start(ref: ReferenceData) -> None:
    extended = ref.schedule("ecf-extended-january", 2024)
    assert extended.declaration_types[-3:] == ("extended-1", "extended-2", "extended-3")
    assert {(m.start_date, m.milestone_date, m.payment_date) for m in extended.milestones} == {
        (date(2025, 1, 1), None, date(2025, 1, 1))
    }
    assert ref.schedule("ecf-reduced-september", 2021).milestone("started").start_date == date(2021, 9, 1)
    assert ref.schedule("ecf-replacement-april", 2022).milestone("completed").start_date == date(2023, 4, 1)
    assert ref.schedule("ecf-reduced-april", 2023).milestone("extended-1") is None
    non_standard = [s for s in ref.schedules if s.type == "ecf" and "-standard-" not in s.identifier]
    assert len(non_standard) == 3 * 3 * 6


def test_replacement_schedules_are_mentor_only(ref: ReferenceData) -> None:
    for variant in ("september", "january", "april"):
        schedule = ref.schedule(f"ecf-replacement-{variant}", 2024)
        assert not ref.schedule_permits_course(schedule, "ecf-induction")
        assert ref.schedule_permits_course(schedule, "ecf-mentor")
    assert ref.schedule_permits_course(ref.schedule("ecf-extended-april", 2024), "ecf-induction")
    ect_schedules = {s.identifier for s in ref.schedules_for("ecf-induction", 2023)}
    assert "ecf-standard-september" in ect_schedules
    assert not any(i.startswith("ecf-replacement") for i in ect_schedules)


def test_npq_schedules_match_course_family(ref: ReferenceData) -> None:
    leadership = ref.schedule("npq-leadership-autumn", 2023)
    assert ref.schedule_permits_course(leadership, "npq-headship")
    assert not ref.schedule_permits_course(leadership, "npq-leading-teaching")
    assert not ref.schedule_permits_course(leadership, "ecf-mentor")
    assert ref.schedule_permits_course(ref.schedule("npq-specialist-spring", 2022), "npq-leading-literacy")
    ehco = ref.schedule("npq-ehco-march", 2024)
    assert ref.schedule_permits_course(ehco, "npq-early-headship-coaching-offer")
    assert not ref.schedule_permits_course(ehco, "npq-additional-support-offer")
    assert ref.schedule_permits_course(ref.schedule("npq-aso-june", 2021), "npq-additional-support-offer")
    ehco_2021 = ref.schedules_for("npq-early-headship-coaching-offer", 2021)
    assert [s.identifier for s in ehco_2021] == ["npq-ehco-june"]


def test_schedules_for_is_the_scan_of_every_schedule_in_order(ref: ReferenceData) -> None:
    # schedules_for reads an index built at load; here it is against the plain scan it replaced.
    courses = {course for s in ref.schedules for course in s.permitted_courses} | {"ecf-unknown"}
    cohorts = {(s.cohort, s.cohort_suffix) for s in ref.schedules} | {(2020, "a")}
    for course in sorted(courses):
        for year, suffix in sorted(cohorts):
            scanned = [
                s
                for s in ref.schedules
                if (s.cohort, s.cohort_suffix) == (year, suffix) and course in s.permitted_courses
            ]
            assert ref.schedules_for(course, year, suffix) == scanned


def test_the_data_files_parse_as_pyyamls_pure_python_loader_parses_them() -> None:
    for path in sorted(resources.data_dir().glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert resources.parse_yaml(text) == yaml.safe_load(text), path.name


def test_npq_schedule_milestones(ref: ReferenceData) -> None:
    specialist = ref.schedule("npq-specialist-autumn", 2022)
    assert specialist.declaration_types == ("started", "retained-1", "completed")
    assert specialist.milestone("retained-2") is None
    leadership = ref.schedule("npq-leadership-autumn", 2021)
    assert leadership.declaration_types == ("started", "retained-1", "retained-2", "completed")
    assert {m.start_date for m in leadership.milestones} == {date(2021, 11, 1)}
    assert all(m.milestone_date is None for m in leadership.milestones)
    assert ref.schedule("npq-ehco-november", 2022).milestone("started").start_date == date(2022, 10, 1)
    assert ref.schedule("npq-ehco-november", 2021) is None
    assert ref.schedule("npq-aso-march", 2021).milestone("started").start_date == date(2022, 3, 1)
    assert ref.schedule("npq-aso-march", 2022) is None


# -- milestone window (§2.4 / §4.4 step 4) -------------------------------------------------------------------

BST = timezone(timedelta(hours=1))
JUNE_START = Milestone("started", date(2024, 6, 1), date(2024, 12, 31), date(2024, 11, 30))


def test_bst_half_past_midnight_is_before_a_1_june_start() -> None:
    assert milestone_window_check(JUNE_START, datetime(2024, 6, 1, 0, 30, tzinfo=BST)) == "before_start"
    assert milestone_window_check(JUNE_START, datetime(2024, 6, 1, 1, 0, tzinfo=BST)) is None


def test_window_boundaries_are_utc_days() -> None:
    utc = UTC
    assert milestone_window_check(JUNE_START, datetime(2024, 6, 1, tzinfo=utc)) is None
    assert milestone_window_check(JUNE_START, datetime(2024, 5, 31, 23, 59, 59, 999999, tzinfo=utc)) == (
        "before_start"
    )
    assert milestone_window_check(JUNE_START, datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=utc)) is None
    assert milestone_window_check(JUNE_START, datetime(2025, 1, 1, tzinfo=utc)) == "after_end"
    # 2025-01-01T00:30+01:00 is still 31 December in UTC.
    assert milestone_window_check(JUNE_START, datetime(2025, 1, 1, 0, 30, tzinfo=BST)) is None
    assert milestone_window_check(JUNE_START, datetime(2024, 7, 1, 12, 0)) is None  # naive = UTC


def test_open_ended_milestone_has_no_upper_bound(ref: ReferenceData) -> None:
    started = ref.schedule("npq-leadership-spring", 2023).milestone("started")
    assert milestone_window_check(started, datetime(2040, 1, 1, tzinfo=UTC)) is None
    assert ref.milestone_window_check(started, datetime(2023, 12, 31, 23, 0, tzinfo=UTC)) == "before_start"


# -- default schedules (§2.4) --------------------------------------------------------------------------------


def test_default_ecf_schedule(ref: ReferenceData) -> None:
    assert ref.default_ecf_schedule(2024) is ref.schedule("ecf-standard-september", 2024)
    with pytest.raises(LookupError):
        ref.default_ecf_schedule(2030)


@pytest.mark.parametrize(
    ("course", "cohort", "on", "expected"),
    [
        ("npq-headship", 2024, date(2024, 1, 1), "npq-leadership-spring"),
        ("npq-headship", 2024, date(2024, 4, 2), "npq-leadership-spring"),
        ("npq-headship", 2024, date(2024, 4, 3), "npq-leadership-autumn"),
        ("npq-senco", 2024, date(2024, 12, 25), "npq-leadership-autumn"),
        ("npq-senco", 2024, date(2024, 12, 26), "npq-leadership-spring"),
        ("npq-leading-teaching", 2022, date(2022, 6, 1), "npq-specialist-autumn"),
        ("npq-leading-literacy", 2023, date(2023, 2, 14), "npq-specialist-spring"),
        ("npq-leading-literacy", 2023, date(2023, 12, 31), "npq-specialist-spring"),
        # EHCO, cohort 2023: windows run from September 2023 to September 2024.
        ("npq-early-headship-coaching-offer", 2023, date(2023, 8, 31), "npq-ehco-june"),
        ("npq-early-headship-coaching-offer", 2023, date(2023, 9, 1), "npq-ehco-november"),
        ("npq-early-headship-coaching-offer", 2023, date(2023, 11, 30), "npq-ehco-november"),
        ("npq-early-headship-coaching-offer", 2023, date(2023, 12, 1), "npq-ehco-december"),
        ("npq-early-headship-coaching-offer", 2023, date(2024, 2, 29), "npq-ehco-december"),
        ("npq-early-headship-coaching-offer", 2023, date(2024, 3, 1), "npq-ehco-march"),
        ("npq-early-headship-coaching-offer", 2023, date(2024, 5, 31), "npq-ehco-march"),
        ("npq-early-headship-coaching-offer", 2023, date(2024, 6, 1), "npq-ehco-june"),
        ("npq-early-headship-coaching-offer", 2023, date(2024, 9, 30), "npq-ehco-june"),
        ("npq-early-headship-coaching-offer", 2023, date(2024, 10, 1), "npq-ehco-june"),
        ("npq-early-headship-coaching-offer", 2022, date(2023, 2, 28), "npq-ehco-december"),
        ("npq-early-headship-coaching-offer", 2021, date(2021, 10, 1), "npq-ehco-june"),
        ("npq-additional-support-offer", 2021, date(2022, 3, 5), "npq-aso-november"),
    ],
)
def test_default_npq_schedule(ref: ReferenceData, course: str, cohort: int, on: date, expected: str) -> None:
    schedule = ref.default_npq_schedule(course, cohort, on)
    assert (schedule.identifier, schedule.cohort) == (expected, cohort)


def test_default_npq_schedule_errors(ref: ReferenceData) -> None:
    with pytest.raises(ValueError):
        ref.default_npq_schedule("ecf-mentor", 2024, date(2024, 10, 1))
    with pytest.raises(LookupError):
        ref.default_npq_schedule("npq-additional-support-offer", 2023, date(2023, 10, 1))


# -- statements (§2.5) ---------------------------------------------------------------------------------------


def test_ecf_2024_output_months(ref: ReferenceData) -> None:
    outputs = [p for p in ref.statement_plans("ecf", 2024) if p.output_fee]
    assert {p.month_name for p in outputs} == {"January", "April", "August", "October"}
    assert outputs[0].name == "January 2025"


def test_ecf_2022_output_months(ref: ReferenceData) -> None:
    months = {p.month_name for p in ref.statement_plans("ecf", 2022) if p.output_fee}
    assert months == {"February", "May", "June", "August", "October", "November"}


def test_ecf_statement_dates(ref: ReferenceData) -> None:
    march_2024 = next(p for p in ref.statement_plans("ecf", 2023) if p.name == "March 2024")
    assert (march_2024.deadline_date, march_2024.payment_date) == (date(2024, 2, 29), date(2024, 3, 25))
    january = next(p for p in ref.statement_plans("ecf", 2023) if p.name == "January 2024")
    assert (january.deadline_date, january.output_fee) == (date(2023, 12, 31), True)


def test_npq_deadline_is_25th_of_previous_month(ref: ReferenceData) -> None:
    plans = ref.statement_plans("npq", 2023)
    assert all(p.deadline_date.day == 25 and p.payment_date.day == 25 for p in plans)
    january = next(p for p in plans if p.name == "January 2025")
    assert (january.deadline_date, january.payment_date) == (date(2024, 12, 25), date(2025, 1, 25))


def test_npq_has_6_to_8_output_months_a_year(ref: ReferenceData) -> None:
    plans = ref.statement_plans("npq", 2022)
    for year in range(2023, 2031):
        assert 6 <= sum(p.output_fee for p in plans if p.year == year) <= 8


def test_statements_are_monthly_in_payment_order(ref: ReferenceData) -> None:
    for type_ in ("ecf", "npq"):
        for cohort in (2021, 2022, 2023, 2024):
            plans = ref.statement_plans(type_, cohort)
            assert plans == sorted(plans, key=lambda p: p.payment_date)
            assert len({p.name for p in plans}) == len(plans)


def test_2021_closed_no_deadline_after_july_2024(ref: ReferenceData) -> None:
    for type_ in ("ecf", "npq"):
        plans = ref.statement_plans(type_, 2021)
        assert plans and max(p.deadline_date for p in plans) <= date(2024, 7, 31)
        assert ref.next_output_statement(type_, 2021, TODAY) is None


def test_open_cohorts_have_future_output_statements(ref: ReferenceData) -> None:
    for type_ in ("ecf", "npq"):
        for cohort in (2022, 2023, 2024):
            plans = ref.statement_plans(type_, cohort)
            assert any(p.output_fee and p.deadline_date > TODAY for p in plans)
            assert plans[-1].name == "December 2030"


def test_next_output_statement(ref: ReferenceData) -> None:
    nxt = ref.next_output_statement("ecf", 2024, TODAY)
    assert (nxt.name, nxt.deadline_date) == ("January 2027", date(2026, 12, 31))
    # The deadline day itself still counts as open.
    assert ref.next_output_statement("ecf", 2024, date(2026, 12, 31)).name == "January 2027"
    assert ref.next_output_statement("ecf", 2024, date(2027, 1, 1)).name == "April 2027"
    assert ref.statement_plans("ecf", 2030) == []
