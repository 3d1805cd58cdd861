"""Connexion's parameter validation, answering with the real service's 400 messages.

Connexion validates query, path and header parameters against our specs before a handler runs;
its sentences ("0 is less than the minimum of 1") name no parameter, so this validator words each
refusal as the real service does for that parameter.
"""

from __future__ import annotations

from typing import Any

from connexion.uri_parsing import OpenAPIURIParser
from connexion.validators.parameter import ParameterValidator

from sandbox.api.context import SERVER_DATE_HEADER, server_date_message
from sandbox.api.params import PAGE_MESSAGE, TRAINING_STATUS_MESSAGE, TRAINING_STATUSES, parse_datetime
from sandbox.domain.errors import BadRequest

DATE_FILTERS = ("updated_since", "created_since")
NESTING_MESSAGE = "Query parameters nest one level deep only, as in filter[cohort]=2024 or page[per_page]=50"


def _first_line(error: str) -> str:
    return error.split("\n\n", 1)[0].strip()


def query_refusal(name: str, value: Any, error: str) -> BadRequest:
    if name == "page":
        return BadRequest(PAGE_MESSAGE)
    if name == "filter":
        if value is None:
            return BadRequest("The filter '#/cohort' must be included in your request", title="Bad parameter")
        if not isinstance(value, dict):
            return BadRequest("Filter must be a hash", title="Bad parameter")
        missing = [k for k in ("cohort",) if f"'{k}' is a required property" in error]
        if missing:
            return BadRequest(
                f"The filter '#/{missing[0]}' must be included in your request", title="Bad parameter"
            )
        if value.get("training_status", "active") not in TRAINING_STATUSES:
            return BadRequest(TRAINING_STATUS_MESSAGE)
        for key in DATE_FILTERS:
            if key in value and parse_datetime(str(value[key])) is None:
                return BadRequest(f"The filter '#/{key}' must be a valid RCF3339 date")
    return BadRequest(f"The '#/{name}' parameter is not valid: {_first_line(error)}")


class RealParameterValidator(ParameterValidator):
    def validate_query_parameter(self, param: dict, request: Any) -> str | None:
        value = request.query_params.get(param["name"])
        if isinstance(value, dict):
            # The real service ignores blank filters, so they are not checked; a blank date filter is
            # the exception: our specs declare it a date-time, and it is refused like any bad date.
            value = {k: v for k, v in value.items() if v not in ("", None) or k in DATE_FILTERS}
        return self.validate_parameter("query", value, param)

    def validate_request(self, request: Any) -> None:
        for param in self.parameters.get("query", []):
            error = self.validate_query_parameter(param, request)
            if error:
                name = param["name"]
                raise query_refusal(name, request.query_params.get(name), error)
        for param in self.parameters.get("path", []):
            error = self.validate_path_parameter(param, request)
            if error:
                raise BadRequest(f"The '#/{param['name']}' path parameter is not valid: {_first_line(error)}")
        for param in self.parameters.get("header", []):
            error = self.validate_header_parameter(param, request)
            if error:
                if param["name"].lower() == SERVER_DATE_HEADER.lower():
                    raise BadRequest(server_date_message())
                raise BadRequest(f"The '{param['name']}' header is not valid: {_first_line(error)}")


class BracketSafeURIParser(OpenAPIURIParser):
    """Connexion's deepObject parser fails with a KeyError on keys nested deeper than the spec
    (`page[page][]=1`, `filter[cohort][x]=1`); such a query is the client's mistake, so a 400."""

    def resolve_query(self, query_data: Any) -> Any:
        try:
            return super().resolve_query(query_data)
        except (KeyError, TypeError, AttributeError, IndexError) as exc:
            raise BadRequest(NESTING_MESSAGE) from exc
