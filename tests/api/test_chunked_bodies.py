"""Long lists and CSVs go out in chunks, byte for byte what writing them whole gives; short ones go out
whole, with their length."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from typing import Any

import pytest
from starlette.responses import Response, StreamingResponse
from starlette.testclient import TestClient

from sandbox.api.responses import CHUNK_ITEMS, csv_body, many
from sandbox.app import create_app
from tests.conftest import bearer, make_state


def _body(response: Response) -> bytes:
    if not isinstance(response, StreamingResponse):
        return response.body

    async def collect() -> bytes:
        return b"".join([chunk async for chunk in response.body_iterator])

    return asyncio.run(collect())


def _items(n: int) -> list[dict[str, Any]]:
    return [
        {"id": str(i), "type": "x", "attributes": {"name": f"Zoë «{i}»", "n": i, "ok": i % 2 == 0}}
        for i in range(n)
    ]


def _whole_csv(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else str(row[c]) for c in columns])
    return out.getvalue().encode()


@pytest.mark.parametrize("n", [0, 1, CHUNK_ITEMS - 1, CHUNK_ITEMS, CHUNK_ITEMS + 1, 3 * CHUNK_ITEMS + 7])
def test_a_list_is_the_whole_list_serialised_at_once(n):
    items = _items(n)
    response = many(iter(items))
    assert isinstance(response, StreamingResponse) == (n >= CHUNK_ITEMS)
    expected = json.dumps({"data": items}, separators=(",", ":"), ensure_ascii=False).encode()
    assert _body(response) == expected
    assert response.headers["content-type"] == "application/vnd.api+json"


@pytest.mark.parametrize("n", [1, CHUNK_ITEMS, 2 * CHUNK_ITEMS + 3])
def test_a_csv_is_the_whole_csv_written_at_once(n):
    columns = ["id", "name", "note", "missing"]
    rows = [{"id": i, "name": f'a,b "{i}"', "note": "x\ny" if i % 7 == 0 else None} for i in range(n)]
    response = csv_body(columns, rows)
    assert isinstance(response, StreamingResponse) == (n >= CHUNK_ITEMS)
    assert _body(response) == _whole_csv(columns, rows)
    assert response.headers["content-type"] == "text/csv"


def test_empty_csvs_keep_their_two_shapes():
    assert _body(csv_body(["id", "x"], [])) == b""
    assert _body(csv_body(["id", "x"], [], header_when_empty=True)) == b"id,x\n"


def test_a_long_page_is_sent_chunked_through_the_app():
    state = make_state(participants=200)
    provider = next(p for p in state.store.lead_providers.values() if p.has_ecf)
    with TestClient(create_app(state=state)) as client:
        long = client.get("/api/v3/participant-declarations?page[per_page]=3000", headers=bearer(provider))
        short = client.get("/api/v3/participant-declarations?page[per_page]=5", headers=bearer(provider))
    assert long.status_code == short.status_code == 200
    assert len(long.json()["data"]) > CHUNK_ITEMS
    assert "content-length" not in long.headers  # the server then sends it chunked
    assert short.headers["content-length"] == str(len(short.content))
    assert long.json()["data"][:5] == short.json()["data"]
