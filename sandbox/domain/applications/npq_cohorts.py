"""The NPQ service's cohorts (npq.md §5.1): a start year and a suffix letter (2025a spring, 2025b autumn),
each with its own funding, schedules, contracts and statements.

Every rule that asks which cohorts a year holds, how one is funded or which schedule an identifier names
in one asks here, by the cohort's string (`2025b`), so that the reference data of suffixed cohorts slots
in behind these functions without a rule changing. The schedules the reference data holds today are
keyed by start year alone, so every suffix of a year shares them.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from sandbox.domain.world.reference import Schedule
from sandbox.store import Store

Funding = Literal["full", "capped", "zero"]


def cohort_key(year: int, suffix: str) -> str:
    return f"{year}{suffix}"


def split_key(cohort: str) -> tuple[int, str]:
    """`2025b` -> (2025, "b"); a bare year is its first intake."""
    digits = cohort.rstrip("abcdefghijklmnopqrstuvwxyz")
    return int(digits), cohort[len(digits) :] or "a"


def cohort_funding(cohort: int, suffix: str) -> Funding:
    """2021-2023 fully funded, capped from 2024, the spring 2026 intake (2026a) unfunded."""
    if cohort <= 2023:
        return "full"
    return "zero" if (cohort, suffix) == (2026, "a") else "capped"


def suffixes_latest_first(year: int) -> tuple[str, ...]:
    """The intakes of a start year, the latest first: 2025 and 2026 had two (spring, autumn)."""
    return ("b", "a") if year >= 2025 else ("a",)


def find_schedule(store: Store, identifier: str, cohort: str) -> Schedule | None:
    """The NPQ schedule an identifier names in one exact cohort (the NPQ service knows no ECF ones)."""
    year, _suffix = split_key(cohort)
    schedule = store.reference.schedule(identifier, year)
    return schedule if schedule is not None and schedule.type == "npq" else None


def latest_cohort_with(store: Store, identifier: str, year: int) -> tuple[str, Schedule] | None:
    """The identifier's schedule in a start year's cohorts, the latest suffix first (change-schedule
    names a year only)."""
    for suffix in suffixes_latest_first(year):
        schedule = find_schedule(store, identifier, cohort_key(year, suffix))
        if schedule is not None:
            return cohort_key(year, suffix), schedule
    return None


def leadership_season(cohort: str, on: date) -> str:
    """npq.md §5.3 for leadership and specialist courses, first match wins."""
    year, _suffix = split_key(cohort)
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


def _ehco_month(year: int, on: date) -> str:
    if date(year, 9, 1) <= on <= date(year, 11, 30):
        return "november"
    if date(year, 12, 1) <= on < date(year + 1, 3, 1):
        return "december"
    if date(year + 1, 3, 1) <= on <= date(year + 1, 5, 31):
        return "march"
    return "june"  # Jun 1 - Sep 30 of the next year, and every date outside the four windows


def default_schedule(store: Store, course_identifier: str, cohort: str, on: date) -> Schedule:
    """The schedule an application accepted on server date `on` without one gets (npq.md §5.3). Raises
    LookupError when the cohort has no such schedule (the service's `find_by!`, a 404)."""
    family = store.reference.npq_family(course_identifier)
    year, _suffix = split_key(cohort)
    if family in ("leadership", "specialist"):
        identifier = f"npq-{family}-{leadership_season(cohort, on)}"
    elif family == "aso":
        identifier = "npq-aso-december"
    elif family == "ehco" and year >= 2022 and cohort != "2026a":
        identifier = f"npq-ehco-{_ehco_month(year, on)}"
    elif family == "ehco":
        # 2021 and the spring 2026 intake take the cohort's first coaching schedule.
        firsts = sorted(
            (
                s
                for s in store.reference.schedules
                if s.type == "npq" and s.family == "ehco" and s.cohort == year
            ),
            key=applies_from,
        )
        if not firsts:
            raise LookupError(f"no ehco schedule in {cohort}")
        identifier = firsts[0].identifier
    else:
        raise LookupError(f"{course_identifier!r} is not an NPQ course")
    schedule = find_schedule(store, identifier, cohort)
    if schedule is None:
        raise LookupError(f"no {identifier} in {cohort}")
    return schedule


def applies_from(schedule: Schedule) -> date:
    """The first day a schedule takes declarations: NPQ milestones all open on it."""
    return min(m.start_date for m in schedule.milestones)
