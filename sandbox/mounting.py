"""Mounting a served document on the Connexion app without re-reading or re-validating it.

`AsyncApp.add_api(path)` renders the file through Jinja, parses it with the pure-Python YAML loader
and validates the whole document against the OpenAPI schema (with every `default` checked against
its schema): ~0.2 s of CPU per document, over a quarter of the start-up with six of them. Our
documents are files of this package, never a user's: `tests/contract/test_spec_files.py` puts every
one through Connexion's own full load, validation included, so a document that would fail it fails
the tests instead.
Here each is mounted from the document `create_app()` already parsed.
"""

from __future__ import annotations

from typing import Any

import connexion
from connexion.middleware.main import API
from connexion.spec import OpenAPISpecification

from sandbox.spec_files import SpecFile


class CheckedSpecification(OpenAPISpecification):
    """A served document of ours: valid by test, so not validated again on every start."""

    @classmethod
    def _validate_spec(cls, spec: dict[str, Any]) -> None:
        return None


def add_checked_api(app: connexion.AsyncApp, spec: SpecFile, *, name: str, **options: Any) -> None:
    """As `app.add_api(spec.path, base_path=spec.base_path, name=name, **options)`, from the parsed
    document. `options` are `add_api`'s own (resolver, security_map, validator_map, ...)."""
    middleware = app.middleware
    if middleware.middleware_stack is not None:
        raise RuntimeError("Cannot add an API after the application has started")
    # A shallow copy: Connexion sets top-level defaults on the dict it is given and deep-copies the rest.
    specification = CheckedSpecification(dict(spec.document))
    merged = middleware.options.replace(**options)
    middleware.apis.append(API(specification, base_path=spec.base_path, name=name, **merged.__dict__))
