"""Static reference data of the Lead Provider API: cohorts, courses, schedules and the statement calendar.

The facts live in YAML in ``sandbox/data/`` (see domain.md §2.1-2.5); this module loads them, expands the
rule-based parts and answers questions about them. Nothing here reads the clock: callers pass the dates in,
so the sandbox's movable "server date" stays the single source of "now".
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any, Literal

from sandbox import resources

DEFAULT_FIXTURES_DIR = resources.data_dir()

ProgrammeType = Literal["ecf", "npq"]
WindowProblem = Literal["before_start", "after_end"]
Funding = Literal["full", "capped", "zero"]

_MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}


@dataclass(frozen=True)
class Cohort:
    start_year: int
    registration_start_date: date
    academic_year_start_date: date
    payments_frozen_at: date | None = None


@dataclass(frozen=True)
class NPQCohort:
    """A cohort of the NPQ service (npq.md §5.1): a start year and a suffix, with its funding kind."""

    start_year: int
    suffix: str
    funding: Funding
    registration_start_date: date
    providers: tuple[str, ...] | None = None  # lead provider names offering it; None = all

    @property
    def identifier(self) -> str:
        return cohort_key(self.start_year, self.suffix)

    def offered_by(self, provider_name: str) -> bool:
        return self.providers is None or provider_name in self.providers


def cohort_key(year: int, suffix: str) -> str:
    """An NPQ service cohort's identifier: start year and suffix (2025, "b" -> "2025b")."""
    return f"{year}{suffix}"


def split_cohort_key(key: int | str) -> tuple[int, str]:
    """A cohort key of the data files: a start year (suffix `a`) or an NPQ identifier such as "2025b"."""
    text = str(key)
    if text.isdigit():
        return int(text), "a"
    if len(text) == 5 and text[:4].isdigit() and text[4].isalpha():
        return int(text[:4]), text[4]
    raise ValueError(f"not a cohort: {key!r}")


@dataclass(frozen=True)
class ContractPeriod:
    """A year as RECT holds it (its API's `cohort`), with what that year allows."""

    year: int
    enabled: bool
    payments_frozen_at: date | None
    mentor_funding: bool
    detailed_evidence: bool
    uplift_fees: bool

    def payments_frozen(self, today: date) -> bool:
        return self.payments_frozen_at is not None and self.payments_frozen_at <= today


@dataclass(frozen=True)
class Course:
    identifier: str
    name: str
    type: ProgrammeType
    family: str | None = None  # NPQ only: leadership | specialist | ehco | aso
    profile: str | None = None  # ECF only: ect | mentor


@dataclass(frozen=True)
class Milestone:
    declaration_type: str
    start_date: date
    milestone_date: date | None  # last valid day; None = open-ended
    payment_date: date


@dataclass(frozen=True)
class Schedule:
    identifier: str
    cohort: int
    type: ProgrammeType
    family: str  # "ecf" for every ECF schedule, else the NPQ course family it serves
    permitted_courses: frozenset[str]
    milestones: tuple[Milestone, ...]
    cohort_suffix: str = "a"  # NPQ service cohorts only: 2025a and 2025b each have their own schedules

    @property
    def declaration_types(self) -> tuple[str, ...]:
        return tuple(m.declaration_type for m in self.milestones)

    def milestone(self, declaration_type: str) -> Milestone | None:
        return next((m for m in self.milestones if m.declaration_type == declaration_type), None)


@dataclass(frozen=True)
class StatementPlan:
    type: ProgrammeType
    cohort: int
    name: str  # "<Month> <Year>", as the API and the upstream seed name statements
    month: int
    year: int
    deadline_date: date
    payment_date: date
    output_fee: bool
    cohort_suffix: str = "a"

    @property
    def month_name(self) -> str:
        return calendar.month_name[self.month]


def milestone_window_check(
    milestone: Milestone, declaration_datetime_utc: datetime, zone: tzinfo = UTC
) -> WindowProblem | None:
    """Where a declaration time falls against a milestone window (domain.md §2.4 / §4.4 step 4).

    Days begin at midnight in `zone`: UTC for the Manage-CPD service (a declaration at 00:30 BST on the start
    day is still the previous day there), Europe/London for RECT. A naive datetime is taken to be UTC.
    """
    if not isinstance(declaration_datetime_utc, datetime):
        raise TypeError("declaration time must be a datetime")
    t = declaration_datetime_utc
    t = t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)
    if t < datetime.combine(milestone.start_date, time.min, tzinfo=zone):
        return "before_start"
    # "< milestone_date 23:59:59.999…" is the same as "< next midnight" without sub-second edge cases.
    if milestone.milestone_date is not None:
        if t >= datetime.combine(milestone.milestone_date + timedelta(days=1), time.min, tzinfo=zone):
            return "after_end"
    return None


def _read_yaml(path: Path) -> Any:
    return resources.parse_yaml(path.read_text(encoding="utf-8"))


def _year_month(text: str) -> tuple[int, int]:
    year, month = str(text).split("-")
    return int(year), int(month)


def _month_numbers(names: list[str]) -> frozenset[int]:
    try:
        return frozenset(_MONTHS[n] for n in names)
    except KeyError as exc:
        raise ValueError(f"unknown month name {exc.args[0]!r} in statements.yaml") from None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _deadline(rule: str, year: int, month: int) -> date:
    prev_year, prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    if rule == "last_day_of_previous_month":
        return _last_day(prev_year, prev_month)
    if rule == "25th_of_previous_month":
        return date(prev_year, prev_month, 25)
    raise ValueError(f"unknown statement deadline rule {rule!r}")


class ReferenceData:
    """Immutable, indexed view of the fixtures. Build with :meth:`load`."""

    def __init__(
        self,
        cohorts: list[Cohort],
        courses: list[Course],
        schedules: list[Schedule],
        statements: list[StatementPlan],
        contract_periods: list[ContractPeriod] | None = None,
        npq_cohorts: list[NPQCohort] | None = None,
    ) -> None:
        self._contract_periods = {c.year: c for c in contract_periods or ()}
        self._npq_cohorts = {
            (c.start_year, c.suffix): c for c in sorted(npq_cohorts or (), key=lambda c: c.identifier)
        }
        self._cohorts = {c.start_year: c for c in sorted(cohorts, key=lambda c: c.start_year)}
        self._courses = {c.identifier: c for c in courses}
        self._schedules = {(s.identifier, s.cohort, s.cohort_suffix): s for s in schedules}
        # The schedules permitting a course in a cohort, in schedule order: the seed asks for every draw.
        self._permitting: dict[tuple[str, int, str], list[Schedule]] = {}
        for schedule in self._schedules.values():
            for course in schedule.permitted_courses:
                key = (course, schedule.cohort, schedule.cohort_suffix)
                self._permitting.setdefault(key, []).append(schedule)
        self._statements: dict[tuple[str, int, str], tuple[StatementPlan, ...]] = {}
        for plan in sorted(statements, key=lambda p: (p.payment_date, p.deadline_date)):
            key = (plan.type, plan.cohort, plan.cohort_suffix)
            self._statements[key] = (*self._statements.get(key, ()), plan)

    # -- loading ---------------------------------------------------------------------------------------------

    @classmethod
    def load(cls, fixtures_dir: Path | None = None) -> ReferenceData:
        root = Path(fixtures_dir) if fixtures_dir is not None else DEFAULT_FIXTURES_DIR
        cohorts = [Cohort(**row) for row in _read_yaml(root / "cohorts.yaml")["cohorts"]]
        course_doc = _read_yaml(root / "courses.yaml")
        courses = [Course(type="ecf", **row) for row in course_doc["ecf"]]
        courses += [Course(type="npq", **row) for row in course_doc["npq"]]
        schedules = _build_schedules(_read_yaml(root / "schedules.yaml"), courses)
        statements = _build_statements(_read_yaml(root / "statements.yaml"))
        periods = [
            ContractPeriod(**row) for row in _read_yaml(root / "contract_periods.yaml")["contract_periods"]
        ]
        npq_cohorts = [_npq_cohort(row) for row in _read_yaml(root / "npq_cohorts.yaml")["npq_cohorts"]]
        return cls(cohorts, courses, schedules, statements, periods, npq_cohorts)

    # -- cohorts and courses ---------------------------------------------------------------------------------

    @property
    def cohorts(self) -> tuple[Cohort, ...]:
        return tuple(self._cohorts.values())

    def cohort(self, year: int) -> Cohort | None:
        return self._cohorts.get(year)

    def contract_period(self, year: int) -> ContractPeriod | None:
        return self._contract_periods.get(year)

    def knows_year(self, year: int) -> bool:
        """A cohort of the older API or one of RECT's later contract periods (2025, 2026)."""
        return year in self._cohorts or year in self._contract_periods

    @property
    def years(self) -> tuple[int, ...]:
        """Every year the world may hold: the cohorts, then RECT's later contract periods."""
        return tuple(sorted(set(self._cohorts) | set(self._contract_periods)))

    def opens_on(self, year: int) -> date:
        """When registration for a year opened: the cohort's date, else the contract period's first day
        (RECT's periods run 1 June to 31 May)."""
        cohort = self._cohorts.get(year)
        if cohort is not None:
            return cohort.registration_start_date
        if year not in self._contract_periods:
            raise LookupError(f"no cohort or contract period {year}")
        return date(year, 6, 1)

    @property
    def npq_cohorts(self) -> tuple[NPQCohort, ...]:
        """The NPQ service's cohorts, oldest first (2021a ... 2026b)."""
        return tuple(self._npq_cohorts.values())

    def npq_cohort(self, year: int, suffix: str = "a") -> NPQCohort | None:
        return self._npq_cohorts.get((year, suffix))

    def npq_cohorts_of_year(self, year: int) -> list[NPQCohort]:
        return [c for c in self._npq_cohorts.values() if c.start_year == year]

    @property
    def courses(self) -> tuple[Course, ...]:
        return tuple(self._courses.values())

    def course(self, identifier: str) -> Course | None:
        return self._courses.get(identifier)

    def is_ecf_course(self, identifier: str) -> bool:
        course = self._courses.get(identifier)
        return course is not None and course.type == "ecf"

    def is_npq_course(self, identifier: str) -> bool:
        course = self._courses.get(identifier)
        return course is not None and course.type == "npq"

    def npq_family(self, identifier: str) -> str | None:
        course = self._courses.get(identifier)
        return course.family if course is not None and course.type == "npq" else None

    # -- schedules -------------------------------------------------------------------------------------------

    @property
    def schedules(self) -> tuple[Schedule, ...]:
        return tuple(self._schedules.values())

    def schedule(self, identifier: str, cohort_year: int, suffix: str = "a") -> Schedule | None:
        return self._schedules.get((identifier, cohort_year, suffix))

    def schedules_for(self, course_identifier: str, cohort_year: int, suffix: str = "a") -> list[Schedule]:
        return list(self._permitting.get((course_identifier, cohort_year, suffix), ()))

    @staticmethod
    def schedule_permits_course(schedule: Schedule, course_identifier: str) -> bool:
        return course_identifier in schedule.permitted_courses

    @staticmethod
    def milestone(schedule: Schedule, declaration_type: str) -> Milestone | None:
        return schedule.milestone(declaration_type)

    milestone_window_check = staticmethod(milestone_window_check)

    def default_ecf_schedule(self, cohort_year: int) -> Schedule:
        return self._require("ecf-standard-september", cohort_year)

    def default_npq_schedule(
        self, course_identifier: str, cohort_year: int, on: date, suffix: str = "a"
    ) -> Schedule:
        """Schedule given to an NPQ application accepted on server date ``on`` without one (domain.md §2.4).

        Raises ValueError for a non-NPQ course and LookupError when the cohort has no such schedule (where
        upstream's ``find_by!`` would fail).
        """
        family = self.npq_family(course_identifier)
        if family in ("leadership", "specialist"):
            # Upstream first checks 2022-06-01..2022-12-25 -> autumn, but that range lies inside
            # Apr 3..Dec 25, so the two remaining yearly rules give identical answers.
            spring = on <= date(on.year, 4, 2) or on >= date(on.year, 12, 26)
            return self._require(f"npq-{family}-{'spring' if spring else 'autumn'}", cohort_year, suffix)
        if family == "ehco" and cohort_year >= 2022:
            return self._require(f"npq-ehco-{ehco_month(cohort_year, on)}", cohort_year, suffix)
        if family in ("ehco", "aso"):
            # Upstream takes the cohort's first schedule of the family (seed order): npq-aso-november 2021.
            for s in self._schedules.values():
                if (s.cohort, s.cohort_suffix) == (cohort_year, suffix) and s.family == family:
                    return s
            raise LookupError(f"no {family} schedule for cohort {cohort_year}")
        raise ValueError(f"{course_identifier!r} is not an NPQ course")

    def _require(self, identifier: str, cohort_year: int, suffix: str = "a") -> Schedule:
        schedule = self._schedules.get((identifier, cohort_year, suffix))
        if schedule is None:
            raise LookupError(f"no schedule {identifier} for cohort {cohort_year}{suffix}")
        return schedule

    # -- statements ------------------------------------------------------------------------------------------

    def statement_plans(
        self, type: ProgrammeType, cohort_year: int, suffix: str = "a"
    ) -> list[StatementPlan]:
        return list(self._statements.get((type, cohort_year, suffix), ()))

    def next_output_statement(
        self, type: ProgrammeType, cohort_year: int, on: date, suffix: str = "a"
    ) -> StatementPlan | None:
        """Earliest output-fee statement still open on ``on`` (deadline_date ≥ on), per domain.md §4.4."""
        plans = self._statements.get((type, cohort_year, suffix), ())
        return next((p for p in plans if p.output_fee and p.deadline_date >= on), None)


def load(fixtures_dir: Path | None = None) -> ReferenceData:
    return ReferenceData.load(fixtures_dir)


def ehco_month(y: int, on: date) -> str:
    """The EHCO intake month a start on ``on`` falls in, for cohort year ``y``."""
    if date(y, 9, 1) <= on <= date(y, 11, 30):
        return "november"
    if date(y, 12, 1) <= on <= _last_day(y + 1, 2):
        return "december"
    if date(y + 1, 3, 1) <= on <= date(y + 1, 5, 31):
        return "march"
    # Jun 1..Sep 30 of Y+1 is june, and so is every date outside the four windows.
    return "june"


def _npq_cohort(row: dict[str, Any]) -> NPQCohort:
    year, suffix = split_cohort_key(row["identifier"])
    providers = row.get("providers")
    return NPQCohort(
        year, suffix, row["funding"], row["registration_start_date"], tuple(providers) if providers else None
    )


def _build_schedules(doc: dict[str, Any], courses: list[Course]) -> list[Schedule]:
    ecf_courses = frozenset(c.identifier for c in courses if c.type == "ecf")
    schedules: list[Schedule] = []
    for identifier, by_cohort in doc["ecf_standard"].items():
        for cohort, rows in by_cohort.items():
            milestones = tuple(
                Milestone(t, row["start"], row.get("end"), row["payment"]) for t, row in rows.items()
            )
            schedules.append(Schedule(identifier, cohort, "ecf", "ecf", ecf_courses, milestones))

    rule = doc["ecf_non_standard"]
    for kind, spec in rule["kinds"].items():
        permitted = frozenset(spec["courses"])
        if not permitted <= ecf_courses:
            raise ValueError(f"ecf-{kind} names a non-ECF course")
        for variant, start in rule["starts"].items():
            for cohort in rule["cohorts"]:
                day = date(cohort + start["year_offset"], start["month"], 1)
                milestones = tuple(Milestone(t, day, None, day) for t in spec["declaration_types"])
                identifier = f"ecf-{kind}-{variant}"
                schedules.append(Schedule(identifier, cohort, "ecf", "ecf", permitted, milestones))

    for identifier, spec in doc["npq"].items():
        family = spec["family"]
        permitted = frozenset(c.identifier for c in courses if c.type == "npq" and c.family == family)
        if not permitted:
            raise ValueError(f"{identifier}: no NPQ course in family {family!r}")
        for key, dates in spec["cohorts"].items():
            cohort, suffix = split_cohort_key(key)
            milestones = tuple(
                Milestone(t, dates["start"], None, dates["payment"]) for t in spec["declaration_types"]
            )
            schedules.append(Schedule(identifier, cohort, "npq", family, permitted, milestones, suffix))
    return schedules


def _build_statements(doc: dict[str, Any]) -> list[StatementPlan]:
    plans: list[StatementPlan] = []
    for type_ in ("ecf", "npq"):
        spec = doc[type_]
        by_cohort = {int(k): _month_numbers(v) for k, v in spec.get("output_months_by_cohort", {}).items()}
        by_year = {k: _month_numbers(v) for k, v in spec.get("output_months_by_year", {}).items()}
        for key, span in spec["spans"].items():
            cohort, suffix = split_cohort_key(key)
            year, month = _year_month(span["first"])
            last = _year_month(span["last"])
            while (year, month) <= last:
                # ECF fixes output months per cohort, NPQ per calendar year.
                if cohort in by_cohort:
                    output_months = by_cohort[cohort]
                else:
                    output_months = by_year.get(year, by_year["default"])
                plans.append(
                    StatementPlan(
                        type=type_,
                        cohort=cohort,
                        name=f"{calendar.month_name[month]} {year}",
                        month=month,
                        year=year,
                        deadline_date=_deadline(spec["deadline_rule"], year, month),
                        payment_date=date(year, month, spec["payment_day"]),
                        output_fee=month in output_months,
                        cohort_suffix=suffix,
                    )
                )
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return plans
