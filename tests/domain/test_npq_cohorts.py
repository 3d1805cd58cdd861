"""The NPQ service's suffixed cohorts as reference data: funding, schedules, statements and the default
schedule at accept (npq.md §5.1-§5.4)."""

from __future__ import annotations

from datetime import date

import pytest

from sandbox.domain.applications import npq_cohorts
from sandbox.domain.world.reference import ReferenceData, load, split_cohort_key


@pytest.fixture(scope="module")
def ref() -> ReferenceData:
    return load()


def test_cohorts_and_their_funding(ref: ReferenceData) -> None:
    assert [(c.identifier, c.funding) for c in ref.npq_cohorts] == [
        ("2021a", "full"),
        ("2022a", "full"),
        ("2023a", "full"),
        ("2024a", "capped"),
        ("2025a", "capped"),
        ("2025b", "capped"),
        ("2026a", "zero"),
        ("2026b", "capped"),
    ]
    spring = ref.npq_cohort(2026, "a")
    assert spring is not None and spring.offered_by("LLSE") and not spring.offered_by("Teach First")
    assert ref.npq_cohort(2024, "b") is None
    assert [c.identifier for c in ref.npq_cohorts_of_year(2025)] == ["2025a", "2025b"]


def test_cohort_keys() -> None:
    assert split_cohort_key(2024) == (2024, "a")
    assert split_cohort_key("2025b") == (2025, "b")
    with pytest.raises(ValueError):
        split_cohort_key("25b")


def test_each_suffix_has_its_own_schedules(ref: ReferenceData) -> None:
    def starts(identifier: str, year: int, suffix: str) -> date | None:
        schedule = ref.schedule(identifier, year, suffix)
        return schedule.milestones[0].start_date if schedule else None

    assert starts("npq-leadership-spring", 2025, "a") == date(2025, 2, 1)
    assert starts("npq-leadership-autumn", 2025, "b") == date(2025, 8, 1)
    assert starts("npq-leadership-spring", 2025, "b") is None
    assert starts("npq-specialist-spring", 2026, "a") == date(2027, 1, 1)
    assert starts("npq-specialist-autumn", 2026, "a") is None
    assert starts("npq-ehco-november", 2026, "b") == date(2026, 11, 1)
    assert {s.identifier for s in ref.schedules_for("npq-early-headship-coaching-offer", 2026, "a")} == {
        "npq-ehco-march",
        "npq-ehco-june",
    }
    # The unsuffixed lookups the ECF service's rules make keep reading the `a` cohorts.
    assert ref.schedule("npq-leadership-autumn", 2024) is ref.schedule("npq-leadership-autumn", 2024, "a")


def test_each_suffix_has_its_own_statement_calendar(ref: ReferenceData) -> None:
    b = ref.statement_plans("npq", 2025, "b")
    assert b and all(p.cohort_suffix == "b" for p in b)
    assert b[0].name == "January 2026" and b[0].deadline_date == date(2025, 12, 25)
    assert ref.statement_plans("npq", 2026, "a")[0].name == "January 2027"
    nxt = ref.next_output_statement("npq", 2026, date(2026, 12, 1), "b")
    assert nxt is not None and (nxt.name, nxt.cohort_suffix) == ("January 2027", "b")
    assert ref.statement_plans("npq", 2025) == ref.statement_plans("npq", 2025, "a")


@pytest.mark.parametrize(
    ("course", "cohort", "on", "expected"),
    [
        ("npq-headship", "2026a", date(2026, 12, 1), "npq-leadership-spring"),
        ("npq-senco", "2026b", date(2027, 2, 1), "npq-leadership-autumn"),
        ("npq-leading-literacy", "2025b", date(2025, 8, 1), "npq-specialist-autumn"),
        ("npq-leading-literacy", "2025a", date(2026, 4, 30), "npq-specialist-autumn"),
        ("npq-headship", "2025a", date(2025, 6, 6), "npq-leadership-spring"),
        ("npq-headship", "2025a", date(2024, 6, 28), "npq-leadership-spring"),
        ("npq-headship", "2024a", date(2025, 1, 15), "npq-leadership-autumn"),
        ("npq-headship", "2024a", date(2025, 6, 7), "npq-leadership-autumn"),
        ("npq-headship", "2024a", date(2025, 12, 26), "npq-leadership-spring"),
        ("npq-headship", "2023a", date(2024, 4, 2), "npq-leadership-spring"),
        ("npq-early-headship-coaching-offer", "2025a", date(2026, 3, 1), "npq-ehco-march"),
        ("npq-early-headship-coaching-offer", "2025b", date(2025, 12, 1), "npq-ehco-december"),
        ("npq-early-headship-coaching-offer", "2026a", date(2026, 12, 1), "npq-ehco-march"),
        ("npq-early-headship-coaching-offer", "2026b", date(2026, 9, 1), "npq-ehco-november"),
        ("npq-additional-support-offer", "2021a", date(2022, 3, 5), "npq-aso-december"),
        ("npq-leading-teaching", "2024a", date(2026, 1, 10), "npq-specialist-spring"),
        ("npq-early-headship-coaching-offer", "2021a", date(2021, 9, 1), "npq-ehco-june"),
        ("npq-early-headship-coaching-offer", "2023a", date(2023, 12, 15), "npq-ehco-december"),
        ("npq-early-headship-coaching-offer", "2023a", date(2024, 4, 1), "npq-ehco-march"),
        ("npq-early-headship-coaching-offer", "2023a", date(2026, 11, 27), "npq-ehco-june"),
    ],
)
def test_default_schedule_at_accept(
    ref: ReferenceData, course: str, cohort: str, on: date, expected: str
) -> None:
    year, suffix = split_cohort_key(cohort)
    schedule = npq_cohorts.default_schedule(ref, course, cohort, on)
    assert (schedule.identifier, schedule.cohort, schedule.cohort_suffix) == (expected, year, suffix)


def test_a_default_the_cohort_lacks_is_missing(ref: ReferenceData) -> None:
    # 2025b has no spring schedule and no EHCO June one: the service's `find_by!` fails (its 404).
    with pytest.raises(LookupError):
        npq_cohorts.default_schedule(ref, "npq-headship", "2025b", date(2027, 1, 10))
    with pytest.raises(LookupError):
        npq_cohorts.default_schedule(ref, "npq-early-headship-coaching-offer", "2025b", date(2026, 12, 1))
    with pytest.raises(LookupError):
        npq_cohorts.default_schedule(ref, "ecf-mentor", "2025a", date(2025, 10, 1))
    with pytest.raises(LookupError):  # ASO has 2021 schedules only
        npq_cohorts.default_schedule(ref, "npq-additional-support-offer", "2023a", date(2023, 9, 1))


@pytest.mark.parametrize(
    ("cohort", "on", "season"),
    [
        ("2026a", date(2026, 9, 1), "spring"),
        ("2026b", date(2026, 2, 1), "autumn"),
        ("2025a", date(2025, 9, 1), "autumn"),
        ("2025b", date(2025, 3, 1), "spring"),
        ("2024a", date(2025, 3, 1), "autumn"),
        ("2024a", date(2026, 1, 10), "spring"),
        ("2023a", date(2023, 12, 26), "spring"),
        ("2023a", date(2023, 4, 3), "autumn"),
    ],
)
def test_the_default_leadership_season(cohort: str, on: date, season: str) -> None:
    assert npq_cohorts.leadership_season(cohort, on) == season
