"""Fixtures shared by the domain tests."""

from __future__ import annotations

import pytest

from tests.domain.test_reads_world import World


@pytest.fixture
def three():
    """A small world with three ECF providers, for the transfer tests of both APIs."""
    world = World()
    old, new, other = world.provider("Old"), world.provider("New"), world.provider("Other")
    return world, old, new, other
