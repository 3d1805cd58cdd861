"""Each provider's clock: travel to an instant, advance, or go back to real time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.responses import Response

from sandbox.api.params import parse_datetime
from sandbox.control.context import ControlContext
from sandbox.control.responses import ok
from sandbox.domain.errors import ValidationFailed
from sandbox.domain.world.entities import LeadProvider
from sandbox.presenters.formats import timestamp

UNITS = ("days", "hours", "minutes", "seconds")
# The API's dates only make sense in this century; it also keeps every offset far from overflow.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
OUT_OF_RANGE = "The clock can be moved to times from 2000-01-01 to the end of 2099 only."


def _clock(ctx: ControlContext, provider: LeadProvider) -> Response:
    offset = ctx.state.clock.offset(provider.id)
    return ok(
        {
            "lead_provider_id": provider.id,
            "now": timestamp(ctx.state.clock.now(provider.id)),
            "offset_seconds": int(offset.total_seconds()),
            "real_time": offset == timedelta(),
        }
    )


def show_clock(ctx: ControlContext, provider_id: str, **_: Any) -> Response:
    return _clock(ctx, ctx.provider(provider_id))


def _duration(value: Any) -> timedelta:
    if not isinstance(value, dict) or not value or set(value) - set(UNITS):
        raise ValidationFailed.single("advance", f"Give a duration with any of {', '.join(UNITS)}.")
    if not all(isinstance(value[u], int) and not isinstance(value[u], bool) for u in value):
        raise ValidationFailed.single("advance", "Each part of the duration must be a whole number.")
    return timedelta(**{unit: value[unit] for unit in value})


def set_clock(ctx: ControlContext, provider_id: str, body: Any = None, **_: Any) -> Response:
    provider = ctx.provider(provider_id)
    body = body if isinstance(body, dict) else {}
    given = [key for key in ("instant", "advance") if body.get(key) is not None]
    if len(given) != 1:
        raise ValidationFailed.single("base", "Give exactly one of `instant` or `advance`.")
    clock = ctx.state.clock
    if given == ["instant"]:
        target = parse_datetime(str(body["instant"]))
        if target is None:
            raise ValidationFailed.single("instant", "Give an RFC 3339 date-time, e.g. 2025-01-10T10:42:00Z.")
    else:
        try:
            target = clock.now(provider.id) + _duration(body["advance"])
        except OverflowError:
            target = LATEST
    if not EARLIEST <= target < LATEST:
        raise ValidationFailed.single(given[0], OUT_OF_RANGE)
    clock.travel_to(provider.id, target)
    return _clock(ctx, provider)


def reset_clock(ctx: ControlContext, provider_id: str, **_: Any) -> Response:
    provider = ctx.provider(provider_id)
    ctx.state.clock.back_to_real_time(provider.id)
    return _clock(ctx, provider)
