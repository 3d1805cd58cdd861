"""The `cpd_sandbox` pytest fixture: a real sandbox for a lead provider's own test suite.

Installed with the package (the `pytest11` entry point), so a suite that has cpd-sandbox installed
gets it with no configuration. One server per test session listens on a free 127.0.0.1 port, so any
HTTP client, in any language the tests drive, can reach it; every test that asks for `cpd_sandbox`
starts from the freshly seeded world and with every provider's clock at real time.

The reset goes through the control API (`POST /sandbox/reset`) rather than a call into the server's
state: the server's event loop then orders it with every other request, exactly as it orders writes,
so the world never changes under a request the test left running; and the plugin gets whatever the
control API's reset costs, no more.

This module imports only pytest and the standard library. The sandbox (Connexion, uvicorn, the seed)
is imported when a test first asks for the fixture, so a suite that never uses it pays nothing.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

DEFAULT_SEED = 1
DEFAULT_PARTICIPANTS = 300


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cpd-sandbox", "cpd-sandbox (the cpd_sandbox fixture)")
    group.addoption(
        "--cpd-sandbox-seed",
        type=int,
        default=None,
        help=f"seed of the sandbox's world (ini cpd_sandbox_seed; default {DEFAULT_SEED})",
    )
    group.addoption(
        "--cpd-sandbox-participants",
        type=int,
        default=None,
        help="ECF participants per provider in the sandbox's world "
        f"(ini cpd_sandbox_participants; default {DEFAULT_PARTICIPANTS})",
    )
    parser.addini("cpd_sandbox_seed", f"seed of the sandbox's world (default {DEFAULT_SEED})")
    parser.addini(
        "cpd_sandbox_participants",
        f"ECF participants per provider in the sandbox's world (default {DEFAULT_PARTICIPANTS})",
    )


def _setting(config: pytest.Config, name: str, default: int, least: int | None = None) -> int:
    """The command-line option wins over the ini key, which wins over the default."""
    value: Any = config.getoption(f"--cpd-sandbox-{name}")
    if value is None:
        value = config.getini(f"cpd_sandbox_{name}") or default
    try:
        number = int(value)
    except ValueError:
        raise pytest.UsageError(f"cpd_sandbox_{name} must be a whole number, not {value!r}") from None
    if least is not None and number < least:
        raise pytest.UsageError(f"cpd_sandbox_{name} must be at least {least}, not {number}")
    return number


class CpdSandbox:
    """A running sandbox, as a test sees it.

    `base_url` is the server root (`http://127.0.0.1:PORT`): the APIs are under `/api/v1`, `/api/v2`,
    `/api/v3` and the control API under `/sandbox`. `providers` are the seeded lead providers as
    `cpd-sandbox tokens --json` lists them (`name`, `id`, `token`, `ecf`, `npq`). Wherever a method
    takes a provider, give its name or its id.
    """

    def __init__(
        self, base_url: str, admin_token: str, providers: list[dict[str, Any]], seed: int, participants: int
    ) -> None:
        self.base_url = base_url
        self.admin_token = admin_token
        self.providers = providers
        self.seed = seed
        self.participants = participants
        # True while nothing has reached the server since its world was built: no reset is needed.
        self.pristine = True

    def provider(self, name_or_id: str) -> dict[str, Any]:
        for provider in self.providers:
            if name_or_id in (provider["name"], provider["id"]):
                return provider
        names = ", ".join(str(p["name"]) for p in self.providers)
        raise KeyError(f"no lead provider named or with id {name_or_id!r} (there are: {names})")

    def token_for(self, provider: str) -> str:
        return str(self.provider(provider)["token"])

    def headers_for(self, provider: str) -> dict[str, str]:
        """The `Authorization` header of the provider's requests."""
        return {"Authorization": f"Bearer {self.token_for(provider)}"}

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Any control API operation as admin (`path` under /sandbox, e.g. `/events/npq-applications`);
        its JSON answer. A refusal raises `sandbox.remote.RemoteError` with the status and body."""
        from sandbox.remote import control_call

        return control_call(self.base_url, self.admin_token, method, path, body)

    def reset(self) -> None:
        """The whole world back to its seeded state, every clock back to real time."""
        self.control("POST", "/reset")

    def set_clock(self, provider: str, instant: datetime | str) -> dict[str, Any]:
        """Every request of the provider from now on runs at `instant` (and time runs on from it).
        Answers the clock: `now`, `offset_seconds`, `real_time`."""
        if isinstance(instant, datetime):
            if instant.tzinfo is None:
                raise ValueError("give the instant a time zone, e.g. datetime(..., tzinfo=UTC)")
            instant = instant.isoformat()
        return self._clock("PUT", provider, {"instant": instant})

    def advance_clock(self, provider: str, **delta: int) -> dict[str, Any]:
        """Move the provider's clock by `days`, `hours`, `minutes` and/or `seconds` (negative goes back)."""
        return self._clock("PUT", provider, {"advance": delta})

    def real_time(self, provider: str) -> dict[str, Any]:
        """The provider's clock back to real time."""
        return self._clock("DELETE", provider)

    def _clock(self, method: str, provider: str, body: Any = None) -> dict[str, Any]:
        provider_id = self.provider(provider)["id"]
        return dict(self.control(method, f"/providers/{provider_id}/clock", body)["data"])


@pytest.fixture(scope="session")
def cpd_sandbox_server(pytestconfig: pytest.Config) -> Iterator[CpdSandbox]:
    """The session's sandbox server; tests want `cpd_sandbox`, which also resets the world."""
    seed = _setting(pytestconfig, "seed", DEFAULT_SEED)
    participants = _setting(pytestconfig, "participants", DEFAULT_PARTICIPANTS, least=1)
    with warnings.catch_warnings():
        # Deprecation notices raised inside Connexion's and jsonschema's own imports: nothing the
        # provider's suite can act on, so they stay out of its warnings summary.
        warnings.simplefilter("ignore")
        from sandbox.app import create_app
        from sandbox.cli import provider_summaries
        from sandbox.serving import BackgroundServer

    app = create_app(seed=seed, participants=participants)
    state = app.state  # type: ignore[attr-defined]
    sandbox = CpdSandbox("", state.admin_token, provider_summaries(state.store), seed, participants)
    with BackgroundServer(app) as server:
        sandbox.base_url = server.url
        yield sandbox


@pytest.fixture
def cpd_sandbox(cpd_sandbox_server: CpdSandbox) -> CpdSandbox:
    """The session's sandbox, reset to its freshly seeded world before the test."""
    if not cpd_sandbox_server.pristine:
        cpd_sandbox_server.reset()
    cpd_sandbox_server.pristine = False
    return cpd_sandbox_server
