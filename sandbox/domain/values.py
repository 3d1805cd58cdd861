"""How the real service reads a value a request carries, written once for every rule that reads one."""

from __future__ import annotations

import re
from typing import Any

# ActiveRecord casts a numeric string to the integer column it is compared with (sign and surrounding
# spaces allowed); six digits are more than any cohort year and keep `int` away from huge strings.
_YEAR = re.compile(r"\s*[+-]?[0-9]{1,6}\s*")


def blank(value: object) -> bool:
    """Rails' `blank?`: nil, false, whitespace-only strings and empty collections count as missing."""
    if value is None or value is False:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict | tuple):
        return not value
    return False


def absent(value: object) -> bool:
    """Only null or a blank string: for attributes whose rule calls any other JSON value (false, a
    number, a list) invalid rather than missing, as the partnership checks do."""
    return value is None or (isinstance(value, str) and blank(value))


def text(value: Any) -> str | None:
    """A string with something in it, without its surrounding spaces; anything else is None."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def cohort_year(value: object) -> int | None:
    """A cohort sent as a number (2024) or a string ("2024"); anything else names no cohort."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _YEAR.fullmatch(value):
        return int(value)
    return None
