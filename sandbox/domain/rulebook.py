"""Which section of the rulebook (shared reference `domain.md`) each refusal implements, as data.

A refusal is named by the module whose rule raised it (the rule's home, DESIGN.md) and, failing
that, by the error's class. This table is the one place that maps code to the rulebook; the request
journal shows it next to every 4xx.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

from sandbox.domain.errors import BadRequest, DomainError, Forbidden, InvalidAction, NotFound, NotPermitted


@dataclass(frozen=True)
class Section:
    number: str
    title: str


TRANSPORT = Section("1.1", "Base, auth, isolation")
# Query parameters are checked in one pass, so a refusal there is one of these two sections.
QUERY = Section("1.4-1.5", "Pagination, filters and sort")
SERVER_DATE = Section("1.7", "X-With-Server-Date")

# The rule modules, by the rulebook section they implement.
BY_MODULE: dict[str, Section] = {
    "sandbox.api.params": QUERY,
    "sandbox.api.body": Section("1.2", "Content types and envelope"),
    "sandbox.api.context": SERVER_DATE,
    "sandbox.validation": QUERY,
    "sandbox.domain.participants.ecf_actions": Section("4.3", "ECF participant actions"),
    "sandbox.domain.participants.training_status": Section("4.3", "ECF participant actions"),
    "sandbox.domain.participants.change_schedule": Section("4.3", "ECF participant actions"),
    "sandbox.domain.declarations.input": Section("4.4", "Participant declarations — POST"),
    "sandbox.domain.declarations.rules": Section("4.4", "Participant declarations — POST"),
    "sandbox.domain.declarations.void": Section("4.5", "Declarations — void"),
    "sandbox.domain.declarations.reads": Section("4.7", "Declarations — reads and visibility"),
    "sandbox.domain.finance.statements": Section("4.8", "Statements"),
    "sandbox.domain.partnerships.rules": Section("4.10", "Partnerships"),
    "sandbox.domain.partnerships.reads": Section("4.10", "Partnerships"),
    "sandbox.domain.participants.transfers": Section("4.13", "Transfers"),
    "sandbox.domain.participants.unfunded_mentors": Section("4.14", "Unfunded mentors"),
    "sandbox.domain.applications.decisions": Section("4.15", "NPQ applications"),
    "sandbox.domain.applications.reads": Section("4.15", "NPQ applications"),
    "sandbox.domain.participants.npq": Section("4.15", "NPQ applications"),
    "sandbox.domain.participants.npq_actions": Section("4.16", "NPQ participants"),
    "sandbox.domain.declarations.outcomes": Section("4.17", "NPQ outcomes"),
    "sandbox.domain.participants.visibility": Section("4.1", "ECF participants — visibility model"),
    # RECT's variants implement sections of rect.md.
    "sandbox.domain.declarations.rect_rules": Section("rect 6.2", "RECT declarations — POST"),
    "sandbox.domain.declarations.rect_void": Section("rect 6.3", "RECT void / clawback"),
}

# When no rule module is on the traceback, the error's class says which convention refused it.
BY_CLASS: tuple[tuple[type[DomainError], Section], ...] = (
    (NotFound, TRANSPORT),
    (Forbidden, TRANSPORT),
    (NotPermitted, Section("7", "What the sandbox must let DfE-side actors do")),
    (BadRequest, QUERY),
    (InvalidAction, Section("5", "State machines")),
)


@dataclass(frozen=True)
class Refusal:
    error: str  # the DomainError class name
    section: Section | None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "error": self.error,
            "rulebook_section": self.section.number if self.section else None,
            "rulebook_title": self.section.title if self.section else None,
        }


def refusal_of(error: DomainError) -> Refusal:
    """The error's class and the section of the rule that raised it (the innermost rule module)."""
    return Refusal(type(error).__name__, _section_from_traceback(error.__traceback__) or _by_class(error))


def _section_from_traceback(tb: TracebackType | None) -> Section | None:
    found = None
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        found = BY_MODULE.get(module, found)
        tb = tb.tb_next
    return found


def _by_class(error: DomainError) -> Section | None:
    for cls, section in BY_CLASS:
        if isinstance(error, cls):
            return section
    return None
