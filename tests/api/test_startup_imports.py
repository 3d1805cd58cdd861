"""Start-up imports only what serving needs: the request journal's spec checker (openapi-core, with
pydantic and openapi-spec-validator, ~0.3 s) loads on the first journal read that wants verdicts."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from starlette.testclient import TestClient
from sandbox.app import create_app
with TestClient(create_app(participants=5)) as client:
    assert client.get("/healthcheck").status_code == 200
print(sorted(m for m in ("openapi_core", "openapi_spec_validator", "pydantic") if m in sys.modules))
"""


def test_a_started_app_has_not_imported_the_journals_spec_checker():
    probe = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "[]"
