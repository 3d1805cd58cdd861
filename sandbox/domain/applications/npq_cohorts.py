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


def applies_from(schedule: Schedule) -> date:
    """The first day a schedule takes declarations: NPQ milestones all open on it."""
    return min(m.start_date for m in schedule.milestones)
