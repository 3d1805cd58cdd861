"""Proof that a refused request changed nothing: a fingerprint of everything a request could change."""

from __future__ import annotations

import pickle
from collections import defaultdict

from sandbox.state import SandboxState

_NOT_STATE = ("lock", "reference", "_command_rng")


def fingerprint(state: SandboxState) -> bytes:
    """Every record and index of the world, its id source and every provider's clock offset."""
    store = state.store
    fields = {
        name: dict(value) if isinstance(value, defaultdict) else value
        for name, value in vars(store).items()
        if name not in _NOT_STATE and name != "rng"
    }
    clocks = {pid: state.clock.offset(pid) for pid in store.lead_providers}
    return pickle.dumps((fields, store.rng.getstate(), clocks))
