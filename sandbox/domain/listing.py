"""What every list read shares: pages, `updated_since` comparisons and column sorts."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 3000


@dataclass(frozen=True)
class Page:
    number: int = 1
    size: int = DEFAULT_PER_PAGE

    @property
    def start(self) -> int:
        """How many items come before the page, at most `sys.maxsize`: a page no list can reach, and a
        bound every reader (`islice` among them) takes."""
        return min((self.number - 1) * self.size, sys.maxsize)

    def slice(self, items: Iterable[T]) -> list[T]:
        """The page's items; a lazy source is consumed only up to the page's end."""
        start = self.start
        if isinstance(items, Sequence):
            return list(items[start : start + self.size])
        if start >= sys.maxsize:  # a page number no list can reach (islice refuses such bounds)
            return []
        return list(islice(items, start, min(start + self.size, sys.maxsize)))


@dataclass(frozen=True)
class Since:
    """A `filter[updated_since]`-style threshold. The real service compares strictly on some
    resources and inclusively on others; the resource decides which."""

    at: datetime
    strict: bool

    def admits(self, value: datetime) -> bool:
        return value > self.at if self.strict else value >= self.at


def as_since(value: Since | datetime | None, strict: bool) -> Since | None:
    """A threshold the contract already compared (a `Since`), else `value` compared as the resource
    compares by default."""
    if value is None or isinstance(value, Since):
        return value
    return Since(value, strict)


@dataclass(frozen=True)
class SortKey:
    column: str
    descending: bool = False


def in_creation_order(sort: Sequence[SortKey]) -> bool:
    """Whether `sort` asks for the default order (oldest first), which the store's ordered indexes
    keep: a list read in it needs no sort and can stop at its page's end."""
    return not sort or list(sort) == [SortKey("created_at")]


def sort_records(
    items: Iterable[T], keys: Sequence[SortKey], columns: dict[str, Callable[[T], Any]]
) -> list[T]:
    """Stable multi-column sort; columns the resource does not have are ignored, as upstream does."""
    result = list(items)
    for key in reversed([k for k in keys if k.column in columns]):
        getter = columns[key.column]
        result.sort(key=lambda item, g=getter: _sortable(g(item)), reverse=key.descending)
    return result


def _sortable(value: Any) -> tuple[bool, Any]:
    # Nulls sort last ascending and first descending, as PostgreSQL orders them by default.
    return (value is None, value if value is not None else 0)
