"""Every API the sandbox serves, described as data.

A contract (`model.Contract`) names an API and version, its mount path, its OpenAPI document, its
content type and error shape, the resources its document binds to, and every behavioural difference
as a named field: the filters a list reads and how it compares them, whether it reads `sort` and its
default order, what one list item is, the fields and CSV columns it shows, the attributes a write
accepts, the side checks it makes. `sandbox/app.py` mounts each contract in `SERVED`; handlers,
presenters and the domain are given the contract and read its fields. Nothing outside this package
names a version or compares a contract's name (tests/contract/test_contracts.py checks it).

Where a new field, a new rule, a new difference or a new contract goes: README.md, "Layout".
"""

from __future__ import annotations

from sandbox.contracts.manage_cpd import V1, V2, V3
from sandbox.contracts.model import Contract
from sandbox.contracts.npq_service import NPQ_V3
from sandbox.contracts.rect import RECT

SERVED: tuple[Contract, ...] = (V1, V2, V3, RECT, NPQ_V3)
BY_NAME: dict[str, Contract] = {c.name: c for c in SERVED}
# The control API answers with resources as the newest Lead Provider contract shows them.
CONTROL_VIEW: Contract = V3
# DfE's changes that only the NPQ service knows (cohort suffixes) answer as its API shows them.
CONTROL_NPQ_VIEW: Contract = NPQ_V3


def contract_at(path: str) -> Contract | None:
    """The served contract whose mount the request path is under (the longest mount wins)."""
    mounts = [c for c in SERVED if path == c.mount or path.startswith(c.mount + "/")]
    return max(mounts, key=lambda c: len(c.mount), default=None)


__all__ = ["BY_NAME", "CONTROL_NPQ_VIEW", "CONTROL_VIEW", "SERVED", "Contract", "contract_at"]
