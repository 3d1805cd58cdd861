"""A world's memory: keeping a served world out of the garbage collector's passes, and letting go of
one without stalling other work.

A server's world lives as long as the server, so once built it is frozen (`gc.freeze`): the
collector's full passes then skip it, and none of them walks the world on the request path. A world
is let go of before another is built (two worlds never live at once), a few thousand entries at a
time, so that a thread doing it gives the interpreter back to the event loop between batches (one
`del` of a large world frees millions of objects in a single call that nothing can interrupt).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Entries freed per step: each step is one short call (about a millisecond at this size).
BATCH = 2000


def release(store: Any, batch: int = BATCH) -> None:
    """Empty every dict and set of `store` and of its change log, `batch` entries at a time. Whatever
    else refers to the world's records keeps them; the store itself is left empty and unusable."""
    for owner in (store, store.changes):
        empty_in_steps(*vars(owner).values(), batch=batch)
    # The change log calls back into its store: a cycle that only a collection could free, and the old
    # world may be frozen out of the collector's reach.
    store.changes.on_field = store.changes.on_removal = None


def empty_in_steps(*containers: Any, batch: int = BATCH) -> None:
    """Empty each list, dict or set among `containers` (others are skipped), `batch` entries a step."""
    for value in containers:
        if isinstance(value, list):
            while value:
                del value[-batch:]
        elif isinstance(value, dict):
            while value:
                for _ in range(min(batch, len(value))):
                    dict.popitem(value)  # the store's dicts refuse popitem: it cannot be undone
        elif isinstance(value, set):
            while value:
                for _ in range(min(batch, len(value))):
                    set.pop(value)


@contextmanager
def collector_paused(settle: bool = True) -> Iterator[None]:
    """The cyclic collector off while a world is built: the build allocates millions of long-lived
    objects and frees almost none, and each pass would walk the world built so far (a build with it
    on grows faster than the world). Reference counting still frees what the build drops.

    `settle`: on leaving, move everything the build made from the youngest generation, which the
    first collection afterwards would walk whole (seconds at 50,000), to the oldest, without walking
    it (freezing and thawing are list splices). Only the outermost pause does; a caller that keeps
    objects frozen (a server's world) passes False and freezes the new world itself, since the thaw
    would release what it froze. (`gc.get_freeze_count` cannot decide this: it walks every frozen
    object, seconds for a large world.)"""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if settle and was_enabled:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()
