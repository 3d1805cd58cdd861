"""Small OpenAPI documents written for the diff tests: one base contract, changed one thing at a time."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.owner.load import Document, repair

JSON = "application/json"


def base() -> dict[str, Any]:
    participant = {
        "type": "object",
        "required": ["id", "full_name", "training_status"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "full_name": {"type": "string"},
            "training_status": {"type": "string", "enum": ["active", "deferred", "withdrawn"]},
            "email": {"type": "string", "nullable": True},
            "cohort": {"type": "string"},
        },
    }
    errors = {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["title", "detail"],
                    "properties": {"title": {"type": "string"}, "detail": {"type": "string"}},
                },
            }
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "test", "version": "1"},
        "security": [{"bearerAuth": []}],
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Participant": participant, "Errors": errors},
        },
        "paths": {
            "/participants/ecf": {
                "get": {
                    "parameters": [
                        {
                            "name": "filter",
                            "in": "query",
                            "style": "deepObject",
                            "explode": True,
                            "schema": {"type": "object", "properties": {"cohort": {"type": "string"}}},
                        },
                        {"name": "sort", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": _body(
                            {"type": "array", "items": {"$ref": "#/components/schemas/Participant"}}
                        ),
                        "401": _body({"type": "object", "properties": {"error": {"type": "string"}}}),
                    },
                }
            },
            "/participants/ecf/{id}/withdraw": {
                "put": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            JSON: {
                                "schema": {
                                    "type": "object",
                                    "required": ["reason"],
                                    "properties": {
                                        "reason": {"type": "string", "enum": ["moved-school", "other"]},
                                        "course_identifier": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _body({"$ref": "#/components/schemas/Participant"}),
                        "422": _body({"$ref": "#/components/schemas/Errors"}),
                    },
                }
            },
        },
    }


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "", "content": {JSON: {"schema": schema}}}


def document(data: dict[str, Any], source: str = "doc") -> Document:
    data = copy.deepcopy(data)
    return Document(source, data, repair(data))


def participant(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["schemas"]["Participant"]


def withdraw(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["paths"]["/participants/ecf/{id}/withdraw"]["put"]


def withdraw_body(doc: dict[str, Any]) -> dict[str, Any]:
    return withdraw(doc)["requestBody"]["content"][JSON]["schema"]


def listing(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["paths"]["/participants/ecf"]["get"]
