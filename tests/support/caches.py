"""The ECF participant lists' kept pages and items, for tests and benches that must read the world
itself rather than a kept answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandbox.api import fragment_cache, page_cache
from sandbox.domain.world.entities import LeadProvider
from tests.conftest import bearer

if TYPE_CHECKING:
    from starlette.testclient import TestClient

# The throughput bench's realistic call.
CALL = "/api/v3/participants/ecf?filter[cohort]=2023,2024&page[per_page]=100"


def empty_caches() -> None:
    """Forget every kept page and item, of every world."""
    page_cache._current.clear()
    fragment_cache._current.clear()


def get(api: TestClient, provider: LeadProvider, path: str = CALL, **headers: str) -> bytes:
    """The body of a GET that must answer 200."""
    response = api.get(path, headers=bearer(provider) | headers)
    assert response.status_code == 200, response.text
    return response.content
