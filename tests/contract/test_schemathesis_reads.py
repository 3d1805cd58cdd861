"""Schemathesis fuzzes every GET of every version, in-process, with its default checks."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.contract.conftest import TOKEN

# Writes are fuzzed once they are built; until then every version's reads are.
v1 = schemathesis.pytest.from_fixture("v1_schema").include(method="GET")
v2 = schemathesis.pytest.from_fixture("v2_schema").include(method="GET")
v3 = schemathesis.pytest.from_fixture("v3_schema").include(method="GET")
rect = schemathesis.pytest.from_fixture("rect_schema").include(method="GET")


def _schema(app, version: str):
    return schemathesis.openapi.from_asgi(f"/api/{version}/openapi.json", app)


@pytest.fixture(scope="session")
def v1_schema(app, first):
    TOKEN["token"] = first.token
    return _schema(app, "v1")


@pytest.fixture(scope="session")
def v2_schema(app, first):
    TOKEN["token"] = first.token
    return _schema(app, "v2")


@pytest.fixture(scope="session")
def v3_schema(app, first):
    TOKEN["token"] = first.token
    return _schema(app, "v3")


@pytest.fixture(scope="session")
def rect_schema(app, first):
    TOKEN["token"] = first.token
    return schemathesis.openapi.from_asgi("/rect/api/v3/openapi.json", app)


FUZZ = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@v1.parametrize()
@FUZZ
def test_v1_reads_honour_the_spec(case):
    case.call_and_validate()


@v2.parametrize()
@FUZZ
def test_v2_reads_honour_the_spec(case):
    case.call_and_validate()


@v3.parametrize()
@FUZZ
def test_v3_reads_honour_the_spec(case):
    case.call_and_validate()


@rect.parametrize()
@FUZZ
def test_rect_reads_honour_the_spec(case):
    case.call_and_validate()
