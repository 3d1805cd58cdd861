"""Connexion's request validation: parameters answered with the real service's 400 messages, and
JSON bodies Python cannot read refused with a 400 rather than failing.

Connexion validates query, path and header parameters against our specs before a handler runs;
its sentences ("0 is less than the minimum of 1") name no parameter, so this validator words each
refusal as the real service does for that parameter.
"""

from __future__ import annotations

import sys
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.lifecycle import ConnexionRequest
from connexion.uri_parsing import OpenAPIURIParser
from connexion.utils import is_null, is_nullable
from connexion.validators import VALIDATOR_MAP, JSONRequestBodyValidator
from connexion.validators.parameter import ParameterValidator, draft4_format_checker
from jsonschema import Draft4Validator, ValidationError

from sandbox.api.context import SERVER_DATE_HEADER, server_date_message
from sandbox.api.params import (
    TRAINING_STATUS_MESSAGE,
    TRAINING_STATUSES,
    UUID_LIST_MESSAGE,
    parse_filter_datetime,
)
from sandbox.contracts.manage_cpd import QUERIES
from sandbox.contracts.model import Queries
from sandbox.domain.errors import BadRequest
from sandbox.limits import MAX_JSON_DEPTH

DATE_FILTERS = ("updated_since", "created_since")
RESOLVED_QUERY = "sandbox.resolved_query"  # scope extension: (parser class, the query it resolved)
NESTING_MESSAGE = "Query parameters nest one level deep only, as in filter[cohort]=2024 or page[per_page]=50"


def _first_line(error: str) -> str:
    return error.split("\n\n", 1)[0].strip()


def query_refusal(name: str, value: Any, error: str, queries: Queries = QUERIES) -> BadRequest:
    if name == "page":
        return BadRequest(queries.page_message)
    if name == "filter":
        if value is None:
            return BadRequest("The filter '#/cohort' must be included in your request", title="Bad parameter")
        if not isinstance(value, dict):
            title, detail = queries.filter_not_hash
            return BadRequest(detail, title=title)
        missing = [k for k in ("cohort",) if f"'{k}' is a required property" in error]
        if missing:
            return BadRequest(
                f"The filter '#/{missing[0]}' must be included in your request", title="Bad parameter"
            )
        if value.get("training_status", "active") not in TRAINING_STATUSES:
            return BadRequest(TRAINING_STATUS_MESSAGE)
        for key in DATE_FILTERS:
            if key in value and parse_filter_datetime(str(value[key])) is None:
                return BadRequest(queries.since_message.format(key=key))
        if "participant_id" in value and "does not match" in error:
            # Only a document that lists UUIDs by pattern refuses them here (the NPQ service's).
            return BadRequest(UUID_LIST_MESSAGE.format(key="participant_id"))
    return BadRequest(f"The '#/{name}' parameter is not valid: {_first_line(error)}")


def _readable_date(value: Any) -> Any:
    """A date filter the handler will read (one URL-encoded a second time, say) is checked against
    the spec in its plain RFC 3339 form."""
    moment = parse_filter_datetime(value) if isinstance(value, str) else None
    return moment.isoformat() if moment else value


# The operation's parameter (kept, so that its id stays its own) and its checker, by the parameter's id.
_CHECKERS: dict[int, tuple[dict, Draft4Validator]] = {}


def _checker(param: dict) -> Draft4Validator:
    found = _CHECKERS.get(id(param))
    if found is None or found[0] is not param:
        checker = Draft4Validator(param.get("schema", param), format_checker=draft4_format_checker)
        found = _CHECKERS[id(param)] = (param, checker)
    return found[1]


class RealParameterValidator(ParameterValidator):
    queries: Queries = QUERIES  # how the API served words its refusals

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Connexion deep-copies each parameter's schema and builds a new jsonschema validator for it on
        # every request, and makes this validator itself anew for every request too; the parameters
        # are the operation's own, fixed once the spec is loaded, so each checker is built once.
        self._checkers = {
            id(param): _checker(param) for params in self.parameters.values() for param in params
        }

    def validate_parameter(  # type: ignore[override]
        self, parameter_type: str, value: Any, param: dict, param_name: str | None = None
    ) -> str | None:
        checker = self._checkers.get(id(param))
        if checker is None or value is None:
            return super().validate_parameter(parameter_type, value, param, param_name)
        if is_nullable(param) and is_null(value):
            return None
        try:
            checker.validate(value)
        except ValidationError as exception:
            return str(exception)
        return None

    def validate_query_parameter(self, param: dict, request: Any) -> str | None:
        value = request.query_params.get(param["name"])
        if isinstance(value, dict):
            # The real service ignores blank filters, so they are not checked; a blank date filter is
            # the exception: our specs declare it a date-time, and it is refused like any bad date.
            value = {k: v for k, v in value.items() if v not in ("", None) or k in DATE_FILTERS}
            value.update({k: _readable_date(v) for k, v in value.items() if k in DATE_FILTERS})
        return self.validate_parameter("query", value, param)

    def validate(self, scope: Any) -> None:
        request = ConnexionRequest(scope, uri_parser=self.uri_parser)
        self.validate_request(request)
        # The handler's arguments are read from the same query by a parser of the same operation:
        # handed on, the query string is not parsed a second time (see `operations.py`).
        scope.setdefault("extensions", {})[RESOLVED_QUERY] = (type(self.uri_parser), request.query_params)

    def validate_request(self, request: Any) -> None:
        for param in self.parameters.get("query", []):
            error = self.validate_query_parameter(param, request)
            if error:
                name = param["name"]
                raise query_refusal(name, request.query_params.get(name), error, self.queries)
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


def parameter_validator_for(queries: Queries) -> type[RealParameterValidator]:
    """The parameter validator of an API that words its refusals this way."""
    return type("ContractParameterValidator", (RealParameterValidator,), {"queries": queries})


class BracketSafeURIParser(OpenAPIURIParser):
    """Connexion's deepObject parser fails with a KeyError on keys nested deeper than the spec
    (`page[page][]=1`, `filter[cohort][x]=1`); such a query is the client's mistake, so a 400."""

    def resolve_query(self, query_data: Any) -> Any:
        try:
            return super().resolve_query(query_data)
        except (KeyError, TypeError, AttributeError, IndexError) as exc:
            raise BadRequest(NESTING_MESSAGE) from exc


def too_deep_message() -> str:
    return f"The request body nests more than {MAX_JSON_DEPTH} levels deep."


def too_long_number_message() -> str:
    return f"A number in the request body has more than {sys.get_int_max_str_digits()} digits."


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether JSON `value` nests more than `limit` arrays/objects deep (iteratively: no recursion)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


class BoundedJSONBodyValidator(JSONRequestBodyValidator):
    """Connexion's JSON body validator, refusing with 400 the bodies Python's own JSON reading fails
    on: nesting deeper than the recursion limit, integers longer than `sys.get_int_max_str_digits()`.
    Nesting beyond `MAX_JSON_DEPTH` is refused too, before schema validation and the handlers recurse
    into it."""

    async def _parse(self, stream: Any, scope: Any) -> Any:
        try:
            body = await super()._parse(stream, scope)
        except RecursionError as exc:
            raise BadRequestProblem(detail=too_deep_message()) from exc
        except UnicodeDecodeError:
            raise
        except ValueError as exc:  # an integer over the digit limit; malformed JSON is already a 400
            raise BadRequestProblem(detail=too_long_number_message()) from exc
        if _deeper_than(body, MAX_JSON_DEPTH):
            raise BadRequestProblem(detail=too_deep_message())
        return body


BODY_VALIDATORS = MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": BoundedJSONBodyValidator})
