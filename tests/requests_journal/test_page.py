"""The journal page in a real headless browser (Chromium from the OS packages): it loads, shows the
requests made just before, and a 422's detail names the rule that refused it.

Chromium runs its scripts against a live server (`--dump-dom` prints the DOM once they settle). Where
Chromium is not installed the test is skipped, except in CI (`CI=true`), which installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import httpx
import pytest

from sandbox.app import create_app
from tests.api.test_declarations_write import body, claim
from tests.conftest import bearer, make_state
from tests.support.live import serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def dump_dom(url: str, tmp_path) -> str:
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=8000",
        "--dump-dom",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI") != "true", reason="Chromium is not installed")
def test_the_page_shows_the_requests_and_a_422s_rule(tmp_path):
    state = make_state(participants=10)
    provider = next(iter(state.store.lead_providers.values()))
    profile, _ = claim(state.store, provider, declaration_type="started")
    with serving(create_app(state=state)) as url:
        with httpx.Client(base_url=url, headers=bearer(provider)) as client:
            assert client.get("/api/v3/statements").status_code == 200
            refused = client.post(
                "/api/v3/participant-declarations", json=body(profile, "started", declaration_date="soon")
            )
            assert refused.status_code == 422
        refused_id = state.request_log.newest_first().__next__().id
        dom = dump_dom(f"{url}/sandbox/journal?token={provider.token}&request={refused_id}", tmp_path)
    assert "2 request(s) held" in dom
    assert "/api/v3/statements" in dom
    assert "POST /api/v3/participant-declarations → 422" in dom
    assert "Refused by ValidationFailed (§4.4 Participant declarations — POST)" in dom
    assert "declaration_date" in dom
    assert "A declaration refused with 422 and then corrected — not shown yet" in dom
