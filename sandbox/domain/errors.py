"""Domain errors. Each names what went wrong in the API's own words; `sandbox.errors` alone turns
them into HTTP responses."""

from __future__ import annotations

from datetime import datetime


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""


class NotFound(DomainError):
    """The record does not exist or the provider may not see it."""


class Forbidden(DomainError):
    """The provider lacks the ECF or NPQ side the operation needs."""


class NotPermitted(DomainError):
    """The sandbox's control API: the token may not act on this (403 with a reason)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class BadRequest(DomainError):
    """A malformed request: bad filter, page, date header or body structure."""

    def __init__(self, detail: str, title: str = "Bad request") -> None:
        super().__init__(detail)
        self.title = title
        self.detail = detail


class ValidationFailed(DomainError):
    """Business validation failed: one entry per attribute, messages in the order they were found."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
        self.errors = errors

    @classmethod
    def single(cls, attribute: str, message: str) -> ValidationFailed:
        return cls({attribute: [message]})


class InvalidAction(DomainError):
    """A state transition the record does not allow (void twice, clawback refunded, ...)."""

    def __init__(self, detail: str, title: str = "Invalid action") -> None:
        super().__init__(detail)
        self.title = title
        self.detail = detail


class NotTheMaker(DomainError):
    """The record is visible to the provider, but only the provider that made it may change it."""

    def __init__(self, title: str, detail: str) -> None:
        super().__init__(detail)
        self.title = title
        self.detail = detail


class ParticipantIdChanged(DomainError):
    """The id was retired when its person was merged into another id (the NPQ service answers 410)."""

    def __init__(self, from_id: str, to_id: str, changed_at: datetime) -> None:
        super().__init__(f"The participant_id '{from_id}' has been replaced with '{to_id}'.")
        self.from_id, self.to_id, self.changed_at = from_id, to_id, changed_at
        self.detail = str(self)


class Errors(dict[str, list[str]]):
    """Refusals collected as ActiveModel collects them: every check runs, messages are grouped per
    attribute in the order the attribute first failed, each message once (the service `uniq`s them)."""

    def add(self, attribute: str, *texts: str) -> None:
        if texts:
            found = self.setdefault(attribute, [])
            found.extend(t for t in texts if t not in found)

    def merge(self, other: dict[str, list[str]]) -> None:
        """Add another collection's messages after these, attribute by attribute."""
        for attribute, texts in other.items():
            self.add(attribute, *texts)

    def raise_any(self) -> None:
        if self:
            raise ValidationFailed(dict(self))
