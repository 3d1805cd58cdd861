"""Start-up reads each served document once, with libyaml, and mounts it without Connexion's
validation; these tests are why that changes nothing: the fast parse equals PyYAML's pure-Python
one, and Connexion's own full load of the file (Jinja, YAML, validation) accepts every document and
gives the specification we mount."""

from __future__ import annotations

import copy

import pytest
import yaml
from connexion.exceptions import InvalidSpecification
from connexion.spec import Specification

from sandbox.app import CONTROL_SPEC, spec_path
from sandbox.contracts import SERVED
from sandbox.mounting import CheckedSpecification
from sandbox.resources import parse_yaml
from sandbox.spec_files import read_spec

FILES = [spec_path(c) for c in SERVED] + [CONTROL_SPEC]


@pytest.fixture(params=FILES, ids=lambda path: path.name)
def spec(request):
    return read_spec("/mounted", request.param)


def test_the_fast_parse_gives_the_pure_python_loaders_document(spec):
    assert spec.document == yaml.safe_load(spec.text)
    assert yaml.__with_libyaml__, "PyYAML without libyaml: start-up parses specs ~5x slower"


def test_connexions_full_load_accepts_the_document_and_gives_what_we_mount(spec):
    untouched = copy.deepcopy(spec.document)
    loaded = Specification.load(spec.path)  # raises InvalidSpecification for an invalid document
    mounted = CheckedSpecification(dict(spec.document))
    assert mounted.raw == loaded.raw
    assert mounted.spec == loaded.spec
    assert spec.document == untouched


def test_connexions_validation_refuses_a_default_outside_its_schema(spec):
    # The check the served app skips is a real one: it fails on what the mounted load would let by.
    broken = copy.deepcopy(spec.document)
    broken["components"]["schemas"]["Broken"] = {"type": "integer", "default": "not a number"}
    with pytest.raises(InvalidSpecification):
        Specification.from_dict(broken)
    CheckedSpecification(broken)


def test_every_mounted_document_is_one_checked_here():
    from sandbox.app import create_app

    files = {c.mount: spec_path(c) for c in SERVED} | {"/sandbox": CONTROL_SPEC}
    apis = create_app(participants=5).middleware.apis
    assert sorted(api.base_path for api in apis) == sorted(files)
    for api in apis:
        assert api.specification.raw == {
            **parse_yaml(files[api.base_path].read_text()),
            "servers": [{"url": api.base_path}],
        }
