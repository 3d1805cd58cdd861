"""Describing and resetting the world."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from starlette.responses import Response

from sandbox.control.context import ControlContext
from sandbox.control.responses import ok
from sandbox.domain.errors import BadRequest, InvalidAction


def _world(ctx: ControlContext) -> dict[str, Any]:
    providers = []
    for provider in ctx.store.lead_providers.values():
        item = {"id": provider.id, "name": provider.name, "ecf": provider.has_ecf, "npq": provider.has_npq}
        if ctx.is_admin:
            item["token"] = provider.token
        providers.append(item)
    world = {
        "seed": ctx.state.seed,
        "participants": ctx.state.participants,
        "lead_providers": providers,
        "changes": ctx.state.journal.accepted,
    }
    if (failure := ctx.state.reseed_failure) is not None:
        world["failed_reseed"] = {
            "seed": failure.seed,
            "participants": failure.participants,
            "error": failure.error,
        }
    return world


def show_world(ctx: ControlContext, **_: Any) -> Response:
    return ok(_world(ctx))


def reset_world(ctx: ControlContext, body: Any = None, **_: Any) -> Coroutine[Any, Any, Response]:
    ctx.require_admin()
    options = body if isinstance(body, dict) else {}
    if body is not None and not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object with optional `seed` and `participants`.")

    async def reset() -> Response:
        # A reseed builds in a worker thread; other requests are answered meanwhile (sandbox.state).
        failure = await ctx.state.reseed_async(
            seed=options.get("seed"), participants=options.get("participants")
        )
        if failure is not None:
            raise InvalidAction(
                f"The world for seed {failure.seed} with {failure.participants} participants per provider "
                f"could not be built ({failure.error}); the world of seed {ctx.state.seed} with "
                f"{ctx.state.participants} participants was built again in its place.",
                title="Reseed failed",
            )
        return ok(_world(ctx))

    return reset()


def reset_provider(ctx: ControlContext, provider_id: str, **_: Any) -> Coroutine[Any, Any, Response]:
    provider = ctx.provider(provider_id)  # checked before anything is undone

    async def reset() -> Response:
        dropped = await ctx.state.reset_provider_async(provider.id)
        return ok({"lead_provider_id": provider.id, "dropped": dropped})

    return reset()
