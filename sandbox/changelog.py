"""Undo records of a sealed world, so that a reset costs what changed rather than the world's size.

Once the seeded world is built the store seals it: from then on every change keeps, the first time
a slot changes, the slot's original value. A slot is one field of one record (`Recorded.__setattr__`),
one key of one of the store's dicts (`RecordedDict`) or one member of one of its sets
(`RecordedSet`). Restoring is putting each original back; slots are independent, so order does not
matter, and the records are bounded by the number of slots in the world, however many writes touch
them. Record fields that hold collections hold tuples, so that changing one is an assignment too.

Two levels: `base` holds the originals of the seeded world's slots as of the last checkpoint, `live`
those as of the checkpoint (or the seed, before the first one). Undoing `live` goes back to the
checkpoint; undoing both goes back to the seed. A checkpoint moves `live` into `base`, keeping the
older original where both have one, and only for slots of the seeded world: records born later are
gone again once the world is back at the seed, so their originals are not worth keeping.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

R = TypeVar("R", bound=type)

MISSING: Any = object()  # the original of a dict key the seeded world did not have
ORDER: Any = object()  # the slot keeping a dict's key order, once one of its keys has been removed


class ChangeLog:
    def __init__(self) -> None:
        self.active = False
        # Counts every change and every restore: equal counts mean an unchanged world (readers' caches).
        self.generation = 0
        self.live: dict[tuple[int, Any], tuple[Any, Any, Any]] = {}
        self.base: dict[tuple[int, Any], tuple[Any, Any, Any]] = {}
        # Told of every change while active, before it happens: the store keeps its derived indexes by it.
        self.on_field: Callable[[Any, str], None] | None = None
        self.on_removal: Callable[[dict, Any], None] | None = None

    def __getstate__(self) -> dict[str, Any]:
        """What the log holds, without the callbacks into its store (wiring, not state)."""
        return {k: v for k, v in vars(self).items() if k not in ("on_field", "on_removal")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, on_field=None, on_removal=None)

    # -- recording --------------------------------------------------------------------------------

    def field(self, record: Recorded, name: str) -> None:
        self.generation += 1
        if self.on_field is not None:
            self.on_field(record, name)
        key = (id(record), name)
        if key not in self.live:
            self.live[key] = (record, name, record.__dict__.get(name, MISSING))

    def item(self, mapping: dict, key: Any) -> None:
        self.generation += 1
        slot = (id(mapping), key)
        if slot not in self.live:
            self.live[slot] = (mapping, key, dict.get(mapping, key, MISSING))

    def removal(self, mapping: dict, key: Any) -> None:
        """A key put back after a removal would come last: keep the order the keys had, once per dict."""
        if self.on_removal is not None:
            self.on_removal(mapping, key)
        self.item(mapping, key)
        slot = (id(mapping), ORDER)
        if slot not in self.live:
            self.live[slot] = (mapping, ORDER, list(mapping))

    def member(self, members: set, value: Any) -> None:
        self.generation += 1
        slot = (id(members), value)
        if slot not in self.live:
            self.live[slot] = (members, value, set.__contains__(members, value))

    def adopt(self, record: Recorded, born: bool) -> None:
        """From now on `record` reports its changes here. `born`: it was not in the seeded world."""
        object.__setattr__(record, "_changes", self)
        if born:
            object.__setattr__(record, "_born", True)

    # -- restoring --------------------------------------------------------------------------------

    def undo_live(self) -> int:
        """Back to the last checkpoint (or the seed). Returns how many slots were restored."""
        count = _restore(self.live)
        self.live = {}
        self.generation += 1
        return count

    def undo_all(self) -> int:
        """Back to the seed."""
        count = _restore(self.live, self.base)
        self.live, self.base = {}, {}
        self.generation += 1
        return count

    def checkpoint(self) -> None:
        """The world as it is becomes the state `undo_live` returns to."""
        for slot, entry in self.live.items():
            owner = entry[0]
            if slot not in self.base and not getattr(owner, "_born", False):
                self.base[slot] = entry
        self.live = {}

    def __len__(self) -> int:
        return len(self.live) + len(self.base)


def _restore(*levels: dict[tuple[int, Any], tuple[Any, Any, Any]]) -> int:
    """Every original back, newest level first; then each dict that lost a key gets back the order
    of its oldest snapshot (taken before any of the seeded keys had gone)."""
    orders: dict[int, tuple[dict, list]] = {}
    count = 0
    for slots in levels:
        for owner, key, original in slots.values():
            if key is ORDER:
                orders[id(owner)] = (owner, original)
            else:
                _put_back(owner, key, original)
                count += 1
    for mapping, keys in orders.values():
        items = [(key, dict.__getitem__(mapping, key)) for key in keys if key in mapping]
        dict.clear(mapping)
        dict.update(mapping, items)
    return count


def _put_back(owner: Any, key: Any, original: Any) -> None:
    if isinstance(owner, dict):
        if original is MISSING:
            dict.pop(owner, key, None)
        else:
            dict.__setitem__(owner, key, original)
    elif isinstance(owner, set):
        (set.add if original else set.discard)(owner, key)
    elif original is MISSING:
        object.__delattr__(owner, key)
    else:
        object.__setattr__(owner, key, original)


class Recorded:
    """Base of the world's mutable records: once adopted by a change log, every assignment to a field
    keeps the field's original value there first."""

    _changes: ChangeLog | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        changes = self._changes
        if changes is not None and changes.active:
            changes.field(self, name)
        object.__setattr__(self, name, value)

    def __getstate__(self) -> dict[str, Any]:
        """A copy (or a pickle) is a detached record: it reports to no change log."""
        state = dict(self.__dict__)
        state.pop("_changes", None)
        state.pop("_born", None)
        return state


def direct_init(cls: R) -> R:
    """Gives a `Recorded` dataclass an `__init__` that sets its fields with `object.__setattr__`.

    A record being made reports to no change log yet (it is adopted afterwards), so the hook has
    nothing to do there; skipping it matters because the seed makes millions of records (about a
    tenth of a large build went into the hook's calls). Apply it above `@dataclass`."""
    params, lines, namespace = [], [], {"_set": object.__setattr__}
    for item in dataclasses.fields(cls):
        if not item.init:
            continue
        if item.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{item.name}: a default factory is not supported here")
        if item.default is dataclasses.MISSING:
            params.append(item.name)
        else:
            namespace[f"_default_{item.name}"] = item.default
            params.append(f"{item.name}=_default_{item.name}")
        lines.append(f"    _set(self, {item.name!r}, {item.name})")
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(lines), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc]
    return cls


class RecordedDict(dict):
    """A dict of the store: each key's original is kept before the key first changes, and records put
    into it after the seal are adopted, so their own changes are kept too."""

    __slots__ = ("_changes",)

    def __init__(self, changes: ChangeLog, *args: Any) -> None:
        super().__init__(*args)
        self._changes = changes

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (dict, (dict(self),))  # a copy is a plain, detached dict

    def __setitem__(self, key: Any, value: Any) -> None:
        changes = self._changes
        if changes.active:
            changes.item(self, key)
            if isinstance(value, Recorded) and value._changes is None:
                changes.adopt(value, born=True)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: Any) -> None:
        if self._changes.active and key in self:
            self._changes.removal(self, key)
        dict.__delitem__(self, key)

    def pop(self, key: Any, *default: Any) -> Any:
        if self._changes.active and key in self:
            self._changes.removal(self, key)
        return dict.pop(self, key, *default)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def _unrecorded(self, *_: Any, **__: Any) -> Any:
        raise TypeError("change the store's dicts one key at a time, so that each change can be undone")

    update = clear = popitem = __ior__ = _unrecorded  # type: ignore[assignment]


class RecordedSet(set):
    """A set of the store: each member's presence is kept before it first changes."""

    __slots__ = ("_changes",)

    def __init__(self, changes: ChangeLog, *args: Any) -> None:
        super().__init__(*args)
        self._changes = changes

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (set, (set(self),))  # a copy is a plain, detached set

    def add(self, value: Any) -> None:
        if self._changes.active:
            self._changes.member(self, value)
        set.add(self, value)

    def discard(self, value: Any) -> None:
        if self._changes.active:
            self._changes.member(self, value)
        set.discard(self, value)

    def remove(self, value: Any) -> None:
        if value not in self:
            raise KeyError(value)
        self.discard(value)

    def _unrecorded(self, *_: Any, **__: Any) -> Any:
        raise TypeError("change the store's sets one member at a time, so that each change can be undone")

    update = clear = pop = difference_update = intersection_update = _unrecorded  # type: ignore[assignment]
    symmetric_difference_update = __ior__ = __iand__ = __isub__ = __ixor__ = _unrecorded  # type: ignore[assignment]
