"""`cpd-sandbox serve`: options from flags or `CPD_SANDBOX_*` variables (the flag wins), a busy port
refused in one line, and the options reaching the app it serves."""

from __future__ import annotations

import argparse
import socket

import pytest
from starlette.testclient import TestClient

from sandbox import serving
from sandbox.cli import build_parser, main
from sandbox.environment import SERVE_OPTIONS, WORLD_OPTIONS, BadVariable, apply_environment


def _serve_args(argv: list[str], environ: dict[str, str]) -> argparse.Namespace:
    args = build_parser().parse_args(["serve", *argv])
    apply_environment(args, environ)
    return args


DEFAULTS = {
    "host": "127.0.0.1",
    "port": 8000,
    "seed": 1,
    "participants": 300,
    "admin_token": None,
    "control": True,
    "rate_limit": None,
    "cors": [],
    "log_level": "info",
}
# variable, its value, the option it sets and to what; then a flag that wins over the variable.
CASES = [
    ("CPD_SANDBOX_HOST", "0.0.0.0", "host", "0.0.0.0", ["--host", "::1"], "::1"),
    ("CPD_SANDBOX_PORT", "9100", "port", 9100, ["--port", "9200"], 9200),
    ("CPD_SANDBOX_SEED", "7", "seed", 7, ["--seed", "8"], 8),
    ("CPD_SANDBOX_PARTICIPANTS", "50", "participants", 50, ["--participants", "60"], 60),
    ("CPD_SANDBOX_ADMIN_TOKEN", "from-env", "admin_token", "from-env", ["--admin-token", "flag"], "flag"),
    ("CPD_SANDBOX_NO_CONTROL", "true", "control", False, ["--control"], True),
    ("CPD_SANDBOX_NO_CONTROL", "0", "control", True, ["--no-control"], False),
    ("CPD_SANDBOX_RATE_LIMIT", "20", "rate_limit", 20, ["--rate-limit", "0"], 0),
    ("CPD_SANDBOX_RATE_LIMIT", "20", "rate_limit", 20, ["--rate-limit"], 1000),
    (
        "CPD_SANDBOX_CORS",
        "https://a.example, http://b:3000",
        "cors",
        ["https://a.example", "http://b:3000"],
        ["--cors", "https://c.example"],
        ["https://c.example"],
    ),
    ("CPD_SANDBOX_LOG_LEVEL", "debug", "log_level", "debug", ["--log-level", "error"], "error"),
]


def test_without_flags_or_variables_every_option_has_its_default():
    args = _serve_args([], {})
    assert {dest: getattr(args, dest) for dest in DEFAULTS} == DEFAULTS


@pytest.mark.parametrize(("variable", "value", "dest", "expected", "flag", "flagged"), CASES)
def test_each_variable_sets_its_option_and_the_flag_wins(variable, value, dest, expected, flag, flagged):
    assert getattr(_serve_args([], {variable: value}), dest) == expected
    assert getattr(_serve_args(flag, {variable: value}), dest) == flagged


def test_an_empty_variable_means_the_default():
    assert _serve_args([], {"CPD_SANDBOX_PORT": "", "CPD_SANDBOX_CORS": " "}).port == 8000


def test_every_serve_option_has_a_variable():
    serve = build_parser()._subparsers._group_actions[0].choices["serve"]  # type: ignore[union-attr]
    options = {action.dest for action in serve._actions if action.option_strings and action.dest != "help"}
    assert options == {option.dest for option in (*SERVE_OPTIONS, *WORLD_OPTIONS)}


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CPD_SANDBOX_PORT", "eighty", "CPD_SANDBOX_PORT: not a whole number: 'eighty'"),
        ("CPD_SANDBOX_PORT", "70000", "CPD_SANDBOX_PORT: not a port number (0-65535): '70000'"),
        ("CPD_SANDBOX_NO_CONTROL", "maybe", "CPD_SANDBOX_NO_CONTROL: not one of 1/true/yes/on"),
        ("CPD_SANDBOX_SEED", "1.5", "CPD_SANDBOX_SEED: not a whole number: '1.5'"),
    ],
)
def test_a_bad_variable_is_one_line_naming_it_and_exit_code_2(capsys, variable, value, message):
    with pytest.raises(BadVariable):
        _serve_args([], {variable: value})
    assert main(["serve"], environ={variable: value}) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith(f"cpd-sandbox: {message}")
    assert len(captured.err.splitlines()) == 1


def test_tokens_reads_the_world_variables(capsys):
    assert main(["tokens", "--participants", "5"], environ={"CPD_SANDBOX_SEED": "2"}) == 0
    from_env = capsys.readouterr().out
    assert main(["tokens", "--participants", "5", "--seed", "2"], environ={}) == 0
    assert capsys.readouterr().out == from_env


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("cpd-sandbox ")


def test_a_busy_port_is_refused_in_one_line_before_any_token_is_printed(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)], environ={}) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"cpd-sandbox: cannot listen on 127.0.0.1:{port}: the port is already in use "
        "(choose another with --port or $CPD_SANDBOX_PORT)\n"
    )


def test_an_unknown_host_is_refused_in_one_line(capsys):
    assert main(["serve", "--host", "no-such-host.invalid", "--port", "0"], environ={}) == 2
    err = capsys.readouterr().err
    assert err.startswith("cpd-sandbox: cannot listen on no-such-host.invalid:0: unknown host")
    assert len(err.splitlines()) == 1


class _FakeServer:
    """Stands in for uvicorn: keeps what `serve` would run, on the socket it claimed."""

    def __init__(self, app, log_level: str = "info", access_log: bool = True) -> None:
        self.app, self.log_level = app, log_level
        self.sockets: list[socket.socket] = []
        SERVED.append(self)

    def run(self, sockets: list[socket.socket]) -> None:
        self.sockets = sockets
        for sock in sockets:
            sock.close()


SERVED: list[_FakeServer] = []


def test_options_from_variables_reach_the_app(monkeypatch, capsys):
    monkeypatch.setattr(serving, "uvicorn_server", _FakeServer)
    environ = {
        "CPD_SANDBOX_PORT": "0",
        "CPD_SANDBOX_SEED": "3",
        "CPD_SANDBOX_PARTICIPANTS": "5",
        "CPD_SANDBOX_ADMIN_TOKEN": "env-admin",
        "CPD_SANDBOX_NO_CONTROL": "yes",
        "CPD_SANDBOX_RATE_LIMIT": "2",
        "CPD_SANDBOX_CORS": "https://a.example",
        "CPD_SANDBOX_LOG_LEVEL": "warning",
    }
    assert main(["serve"], environ=environ) == 0
    served = SERVED.pop()
    out = capsys.readouterr().out
    assert "control API: off" in out and "rate limit: 2 requests" in out and "https://a.example" in out
    # Port 0 took a free port; the printed URLs name it.
    assert "Serving on http://127.0.0.1:" in out and "http://127.0.0.1:0/" not in out
    state = served.app.state
    assert (state.seed, state.participants, state.admin_token, served.log_level) == (
        3,
        5,
        "env-admin",
        "warning",
    )
    client = TestClient(served.app, raise_server_exceptions=False)
    token = next(iter(state.store.lead_providers.values())).token
    headers = {"Authorization": f"Bearer {token}", "Origin": "https://a.example"}
    responses = [client.get("/api/v3/statements", headers=headers) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[0].headers["access-control-allow-origin"] == "https://a.example"
    assert client.get("/sandbox/world", headers={"Authorization": "Bearer env-admin"}).status_code == 404
