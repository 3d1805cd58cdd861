"""Schemathesis authenticates as one lead provider through an auth provider of its own, so it knows
every request it sends carries a token."""

from __future__ import annotations

import schemathesis

TOKEN: dict[str, str] = {}


@schemathesis.auth()
class ProviderToken:
    def get(self, case, context):
        return TOKEN["token"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
