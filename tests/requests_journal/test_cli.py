"""`cpd-sandbox journal` and `cpd-sandbox evidence` against a running sandbox."""

from __future__ import annotations

import io
import json
import zipfile

import httpx

from sandbox.app import create_app
from sandbox.cli import build_parser, main
from sandbox.requests_journal.cli import journal, line
from tests.conftest import bearer, make_state
from tests.support.live import serving


def test_journal_prints_each_request_once_and_evidence_downloads_the_pack(tmp_path, capsys):
    state = make_state(participants=10)
    state.admin_token = "cli-admin"
    provider = next(iter(state.store.lead_providers.values()))
    with serving(create_app(state=state)) as url:
        with httpx.Client(base_url=url, headers=bearer(provider)) as client:
            client.get("/api/v3/statements")
            client.get("/api/v3/participant-declarations/missing")
        args = build_parser().parse_args(["journal", "--url", url, "--token", provider.token])
        out = io.StringIO()
        assert journal(args, out) == 0
        lines = out.getvalue().splitlines()
        assert len(lines) == 2
        assert "GET    /api/v3/statements  200" in lines[0]
        assert lines[1].endswith("NotFound §4.7") and "\033" not in lines[1]
        pack = tmp_path / "pack.zip"
        common = ["--url", url, "--token", provider.token, "--provider", provider.id]
        assert main(["evidence", *common, "-o", str(pack)]) == 0
        with zipfile.ZipFile(pack) as archive:
            assert json.loads(archive.read("go-live.json"))["requests"] == 2
        others = next(p for p in state.store.lead_providers.values() if p.id != provider.id)
        assert main(["evidence", *common[:4], "--provider", others.id, "-o", str(pack)]) == 1
        assert "403" in capsys.readouterr().err


def test_a_line_is_coloured_by_status_on_a_terminal():
    entry = {
        "id": 7,
        "started_at": "2026-11-27T12:00:00.000Z",
        "lead_provider_id": "cd613e30-d8f1",
        "method": "POST",
        "path": "/api/v3/participant-declarations",
        "query": "",
        "status": 422,
        "duration_ms": 3.25,
        "refused_by": {"error": "ValidationFailed", "rulebook_section": "4.4"},
    }
    assert line(entry) == (
        "#7      2026-11-27T12:00:00.000Z  cd613e30  POST   /api/v3/participant-declarations  422  3.2 ms"
        "  ValidationFailed §4.4"
    )
    assert "\033[33m422\033[0m" in line(entry, colour=True)
