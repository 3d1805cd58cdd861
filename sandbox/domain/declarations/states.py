"""A declaration's states and the groups of them the rules ask about, named once as the real service
names them (`ParticipantDeclaration`'s enum, scopes and predicates, `Finance::StatementLineItem`)."""

from __future__ import annotations

# The `state` enum, in upstream's order.
DECLARATION_STATES = (
    "submitted",
    "eligible",
    "payable",
    "paid",
    "voided",
    "ineligible",
    "awaiting_clawback",
    "clawed_back",
)
# Scope `billable` (and `billable?`): the claims a statement pays or will pay.
BILLABLE = ("eligible", "payable", "paid")
# Scope `changeable`: claims not yet on their way to payment.
CHANGEABLE = ("submitted", "eligible")
# Scope `billable_or_changeable`: every live claim, the one most rules count (duplicates, schedules,
# completion, funded places).
BILLABLE_OR_CHANGEABLE = ("submitted", "eligible", "payable", "paid")
# `voidable?`: what a provider may still void outright; a paid claim is clawed back instead.
VOIDABLE = ("submitted", "eligible", "payable", "ineligible")
# `StatementLineItem::REFUNDABLE_STATES`: paid claims being, or already, refunded.
REFUNDABLE = ("awaiting_clawback", "clawed_back")
# Claims that were paid at some point, refunded or not (upstream spells the list out in `uplift_paid?`).
PAID_OR_REFUNDABLE = ("paid", *REFUNDABLE)
# The states whose v3 `statement_id` is set: the billable line, kept once the claim is clawed back.
ON_STATEMENT = (*BILLABLE, *REFUNDABLE)
