"""Response schemas are closed: a field one version shows must fail validation in another."""

from __future__ import annotations

import pytest
from openapi_core.validation.response.exceptions import InvalidData

from sandbox.presenters import npq as present
from tests.conftest import bearer
from tests.support.openapi import validate_exchange

LEAKED = {"participant_id_changes": []}  # v3's attribute, which v1 and v2 NPQ participants do not have


def _leaky(render):
    def render_with_leak(*args):
        item = render(*args)
        return {**item, "attributes": {**item["attributes"], **LEAKED}}

    return render_with_leak


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_a_v3_attribute_leaked_into_v1_or_v2_fails_response_validation(client, first, version, monkeypatch):
    path = f"/api/{version}/participants/npq"
    clean = client.get(path, headers=bearer(first))
    validate_exchange(version, clean)
    monkeypatch.setattr(present, "render_participant", _leaky(present.render_participant))
    leaked = client.get(path, headers=bearer(first))
    assert leaked.status_code == 200
    assert leaked.json()["data"][0]["attributes"]["participant_id_changes"] == []
    with pytest.raises(InvalidData) as refused:
        validate_exchange(version, leaked)
    messages = {error.message for error in refused.value.__cause__.schema_errors}
    assert messages == {"Additional properties are not allowed ('participant_id_changes' was unexpected)"}
