"""The NPQ service's change of a declaration's delivery partners."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api.body import attributes
from sandbox.api.context import RequestContext
from sandbox.api.responses import single
from sandbox.domain.declarations import delivery_partners as domain
from sandbox.domain.declarations.reads import declaration_view
from sandbox.presenters import declarations as present


def change_delivery_partner(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    attrs = attributes(body, ctx.contract.queries)
    declaration = domain.change_delivery_partner(
        ctx.store,
        ctx.provider,
        id,
        attrs.get("delivery_partner_id"),
        attrs.get("secondary_delivery_partner_id"),
        ctx.now,
    )
    view = declaration_view(ctx.store, declaration, ctx.contract.npq_rules)
    return single(present.render(view, ctx.contract))
