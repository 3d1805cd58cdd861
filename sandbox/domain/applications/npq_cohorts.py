"""The NPQ service's cohorts (npq.md §5.1): a start year and a suffix letter (2025a spring, 2025b autumn),
each with its own funding, schedules, contracts and statements.

The domain's one way to ask which cohorts a year holds, how one is funded, which schedule an identifier
names in one and which schedule an accept without one gets. A cohort is named by its string (`2025b`);
the facts come from the reference data (`sandbox/data/npq_cohorts.yaml`, `schedules.yaml`), and the
string's form from `reference.cohort_key` / `split_cohort_key`.
"""

from __future__ import annotations

from datetime import date

from sandbox.domain.world.entities import NPQApplication
from sandbox.domain.world.reference import (
    Funding,
    NPQCohort,
    ReferenceData,
    Schedule,
    cohort_key,
    ehco_month,
    split_cohort_key,
)


def cohort_of(application: NPQApplication) -> str:
    """The application's exact cohort (`2025b`)."""
    return cohort_key(application.cohort, application.cohort_suffix)


def named_cohort(reference: ReferenceData, given: object) -> NPQCohort | None:
    """The NPQ service's cohort an identifier names (`"2025b"`), or None: a bare year names none, since
    a year holds two cohorts."""
    return next((c for c in reference.npq_cohorts if c.identifier == given), None)


def cohort_funding(reference: ReferenceData, cohort: str) -> Funding:
    """The funding kind of an exact cohort: `full`, `capped` or `zero` (unfunded)."""
    found = reference.npq_cohort(*split_cohort_key(cohort))
    if found is None:
        raise ValueError(f"unknown NPQ cohort {cohort}")
    return found.funding


def cohorts_latest_first(reference: ReferenceData, year: int) -> list[str]:
    """The intakes of a start year, the latest first (2025 -> 2025b, 2025a)."""
    return [c.identifier for c in reversed(reference.npq_cohorts_of_year(year))]


def find_schedule(reference: ReferenceData, identifier: str, cohort: str) -> Schedule | None:
    """The NPQ schedule an identifier names in one exact cohort (the NPQ service knows no ECF ones)."""
    schedule = reference.schedule(identifier, *split_cohort_key(cohort))
    return schedule if schedule is not None and schedule.type == "npq" else None


def latest_cohort_with(reference: ReferenceData, identifier: str, year: int) -> tuple[str, Schedule] | None:
    """The identifier's schedule in a start year's cohorts, the latest suffix first (change-schedule
    names a year only)."""
    for cohort in cohorts_latest_first(reference, year):
        schedule = find_schedule(reference, identifier, cohort)
        if schedule is not None:
            return cohort, schedule
    return None


def leadership_season(cohort: str, on: date) -> str:
    """npq.md §5.3 for leadership and specialist courses, first match wins."""
    year, _suffix = split_cohort_key(cohort)
    if cohort == "2026a":
        return "spring"
    if cohort == "2026b":
        return "autumn"
    if year == 2025 and date(2025, 8, 1) <= on <= date(2026, 4, 30):
        return "autumn"
    if year == 2025 and date(2024, 6, 28) <= on <= date(2025, 6, 6):
        return "spring"
    if year == 2024 and date(2024, 6, 28) <= on <= date(2025, 6, 6):
        return "autumn"
    return "spring" if on <= date(on.year, 4, 2) or on >= date(on.year, 12, 26) else "autumn"


def default_schedule(reference: ReferenceData, course_identifier: str, cohort: str, on: date) -> Schedule:
    """The schedule an application accepted on server date `on` without one gets (npq.md §5.3), in its
    exact cohort. Raises LookupError when the cohort has no such schedule (the service's `find_by!`, a
    404: a 2025b EHCO accepted in the June window finds no npq-ehco-june)."""
    family = reference.npq_family(course_identifier)
    year, _suffix = split_cohort_key(cohort)
    if family in ("leadership", "specialist"):
        identifier = f"npq-{family}-{leadership_season(cohort, on)}"
    elif family == "aso":
        identifier = "npq-aso-december"
    elif family == "ehco" and year >= 2022 and cohort != "2026a":
        identifier = f"npq-ehco-{ehco_month(year, on)}"
    elif family == "ehco":
        # 2021 and the spring 2026 intake take the cohort's first coaching schedule (seed order).
        first = next(
            (
                s
                for s in reference.schedules
                if s.type == "npq" and s.family == "ehco" and cohort_key(s.cohort, s.cohort_suffix) == cohort
            ),
            None,
        )
        if first is None:
            raise LookupError(f"no ehco schedule in {cohort}")
        identifier = first.identifier
    else:
        raise LookupError(f"{course_identifier!r} is not an NPQ course")
    schedule = find_schedule(reference, identifier, cohort)
    if schedule is None:
        raise LookupError(f"no {identifier} in {cohort}")
    return schedule


def applies_from(schedule: Schedule) -> date:
    """The first day a schedule takes declarations: NPQ milestones all open on it."""
    return min(m.start_date for m in schedule.milestones)
