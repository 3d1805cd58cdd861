"""What Postman, Insomnia, Swagger UI and browser pages need: served spec documents that name this
sandbox's absolute URL, and CORS (`--cors`) on every API when asked for."""

from __future__ import annotations

import pytest
import yaml
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.rate_limit import RateLimit
from sandbox.resources import spec_path
from sandbox.spec_documents import YAML, SpecDocument
from sandbox.spec_files import read_spec
from tests.conftest import bearer, make_state

DOCUMENTS = (
    [(f"/lead-providers/api-docs/{v}/api_spec.yml", v, f"/api/{v}") for v in ("v1", "v2", "v3")]
    + [(f"/api/{v}/openapi.yaml", v, f"/api/{v}") for v in ("v1", "v2", "v3")]
    + [("/sandbox/openapi.yaml", "sandbox", "/sandbox")]
)
ORIGIN = "https://provider.example"
PREFLIGHT = {
    "Origin": ORIGIN,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization,content-type,x-with-server-date",
}


@pytest.mark.parametrize(("path", "spec", "api_root"), DOCUMENTS)
def test_served_yaml_is_our_spec_with_the_absolute_url_the_client_used(client, path, spec, api_root):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/yaml"
    served = yaml.safe_load(response.text)
    source = yaml.safe_load(spec_path(spec).read_text())
    assert served == {**source, "servers": [{"url": f"http://testserver{api_root}"}]}


def test_the_server_url_follows_the_requests_scheme_and_host(app):
    elsewhere = TestClient(app, base_url="https://sandbox.example:8443")
    document = yaml.safe_load(elsewhere.get("/lead-providers/api-docs/v2/api_spec.yml").text)
    assert document["servers"] == [{"url": "https://sandbox.example:8443/api/v2"}]
    proxied = elsewhere.get("/api/v3/openapi.json", headers={"Host": "ci-sandbox:9000"}).json()
    assert proxied["servers"] == [{"url": "https://ci-sandbox:9000/api/v3"}]


def test_whatever_the_host_header_holds_the_yaml_stays_valid():
    document = SpecDocument(read_spec("/api/v1", spec_path("v1")))
    rendered = document.render(YAML, 'http://a: b #c"d/')
    assert yaml.safe_load(rendered)["servers"] == [{"url": 'http://a: b #c"d/api/v1'}]


@pytest.mark.parametrize("api_root", ["/api/v1", "/api/v3", "/sandbox"])
def test_swagger_ui_reads_the_served_json_document(client, api_root):
    page = client.get(f"{api_root}/ui/")
    assert page.status_code == 200
    assert f'"{api_root}/openapi.json"' in page.text
    document = client.get(f"{api_root}/openapi.json").json()
    assert document["servers"] == [{"url": f"http://testserver{api_root}"}]
    assert "$ref" not in page.text and document["paths"]
    assert client.get(f"{api_root}/ui/swagger-ui.css").status_code == 200


def test_cors_is_off_by_default(client, first):
    response = client.get("/api/v3/statements", headers={**bearer(first), "Origin": ORIGIN})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    assert (
        "access-control-allow-origin" not in client.options("/api/v3/statements", headers=PREFLIGHT).headers
    )


@pytest.fixture(scope="module")
def cors_sandbox():
    state = make_state()
    app = create_app(state=state, cors_origins=[ORIGIN, "http://localhost:3000"], rate_limit=RateLimit(3))
    return state, TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    "path", ["/api/v1/participant-declarations", "/api/v3/participant-declarations", "/sandbox/reset"]
)
def test_preflights_are_answered_on_every_api(cors_sandbox, path):
    _, client = cors_sandbox
    response = client.options(path, headers=PREFLIGHT)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert {"authorization", "content-type", "x-with-server-date"} <= set(allowed.replace(" ", "").split(","))


def test_an_origin_not_named_gets_no_cors_headers(cors_sandbox):
    _, client = cors_sandbox
    response = client.options("/api/v3/statements", headers={**PREFLIGHT, "Origin": "https://evil.example"})
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_answers_carry_the_origin_even_when_refused_or_throttled(cors_sandbox):
    state, client = cors_sandbox
    provider = next(iter(state.store.lead_providers.values()))
    headers = {**bearer(provider), "Origin": "http://localhost:3000"}
    statuses = []
    for _ in range(4):
        response = client.get("/api/v3/statements", headers=headers)
        assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v3/statements", headers={"Origin": ORIGIN})
    assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == ORIGIN
