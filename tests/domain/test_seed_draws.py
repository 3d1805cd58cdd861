"""The build's shortcuts draw exactly what the longer calls they replace drew, so a seed gives the same
world: ids, Faker names, weighted choices, moments, and records made without the change-log hook."""

from __future__ import annotations

import dataclasses
import random
import uuid
from datetime import UTC, datetime, timedelta

from faker import Faker

from sandbox.changelog import ChangeLog
from sandbox.domain.world.entities import NPQApplication, User
from sandbox.domain.world.reference import ReferenceData
from sandbox.seed.context import Names, SeedContext
from sandbox.store import _sorted_in_steps, uuid4_text

WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_uuid4_text_is_the_uuid_modules_text() -> None:
    source = random.Random(7)
    for bits in [0, 2**128 - 1, *(source.getrandbits(128) for _ in range(2000))]:
        assert uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))


def test_names_are_fakers_first_and_last_names() -> None:
    for seed in (1, 2, 99):
        fake, copy = Faker("en_GB"), Faker("en_GB")
        fake.seed_instance(seed)
        copy.seed_instance(seed)
        names = Names(copy)
        assert [names.draw() for _ in range(500)] == [
            (fake.first_name(), fake.last_name()) for _ in range(500)
        ]
        assert copy.city() == fake.city()  # the shared random source is left where Faker would leave it


def _context(seed: int) -> SeedContext:
    return SeedContext.create(ReferenceData.load(), seed)


def test_weighted_draws_as_choices_with_weights() -> None:
    ctx, rng = _context(3), random.Random()
    rng.setstate(ctx.rng.getstate())
    options = (("a", 8.0), ("b", 14.0), (None, 33.0), ("d", 45.0))
    other = (("x", 1.0), ("y", 3.0))
    for _ in range(300):
        for table in (options, other, list(options)):
            expected = rng.choices([o for o, _ in table], weights=[w for _, w in table])[0]
            assert ctx.weighted(table) == expected
    assert len(ctx._tables) == 2  # a list built for one draw is not kept


def test_moment_draws_as_randint_over_the_span() -> None:
    ctx, rng = _context(4), random.Random()
    rng.setstate(ctx.rng.getstate())
    start = WHEN.replace(microsecond=250)
    for days in (0, 1, 30, 400):
        for begin in (WHEN, start):
            end = min(begin + timedelta(days=days), ctx.now)
            span = int((end - min(begin, end)).total_seconds())
            expected = (min(begin, end) + timedelta(seconds=rng.randint(0, max(span, 0)))).replace(
                microsecond=0
            )
            assert ctx.moment(begin, begin + timedelta(days=days)) == expected


def test_records_are_made_without_the_hook_and_changed_through_it() -> None:
    changes = ChangeLog()
    changes.active = True
    # With the log visible to every User while one is made, an __init__ going through __setattr__
    # would report each field: the generated __init__ must not.
    User._changes = changes
    try:
        user = User("u1", "Ann Example", "ann@example.com", None, WHEN, WHEN)
    finally:
        del User._changes
    assert changes.live == {}  # nothing reported while it was made
    changes.adopt(user, born=False)
    user.full_name = "Ann Other"
    assert changes.live[(id(user), "full_name")][2] == "Ann Example"
    assert dataclasses.replace(user, email="x@example.com").email == "x@example.com"
    application = NPQApplication("a1", "u1", "p1", "npq-senco", 2024, "pending", WHEN, WHEN)
    assert application.teacher_catchment_iso_country_code == "GBR" and application.funded_place is None
    assert dataclasses.asdict(application)["cohort_suffix"] == "a"


def test_sealed_indexes_sorted_in_steps_are_sorted_whole() -> None:
    source = random.Random(5)
    for size in (0, 1, 999, 1000, 1001, 25_000):
        entries = [(WHEN + timedelta(seconds=source.randrange(500)), n, f"id-{n}") for n in range(size)]
        source.shuffle(entries)
        assert _sorted_in_steps(entries, step=1000) == tuple(sorted(entries))
