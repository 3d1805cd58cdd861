"""A small server that breaks its own spec three ways: a missing required field, an undocumented
status, and a 500."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

ITEM = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}


def _json(schema: dict) -> dict:
    return {"description": "", "content": {"application/json": {"schema": schema}}}


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "wrong", "version": "1"},
    "paths": {
        "/items": {
            "get": {"operationId": "items", "responses": {"200": _json({"type": "array", "items": ITEM})}}
        },
        "/items/{id}": {
            "get": {
                "operationId": "item",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json(ITEM)},
            }
        },
        "/teapot": {"get": {"operationId": "teapot", "responses": {"200": _json({"type": "object"})}}},
        "/boom": {"get": {"operationId": "boom", "responses": {"200": _json({"type": "object"})}}},
    },
}


async def items(request):
    return JSONResponse([{"id": "1", "name": "one"}])


async def item(request):
    return JSONResponse({"id": request.path_params["id"]})  # `name` is missing


async def teapot(request):
    return JSONResponse({}, status_code=418)  # not in the spec


async def boom(request):
    return JSONResponse({"error": "crash"}, status_code=500)


app = Starlette(
    routes=[
        Route("/items", items),
        Route("/items/{id}", item),
        Route("/teapot", teapot),
        Route("/boom", boom),
    ]
)
