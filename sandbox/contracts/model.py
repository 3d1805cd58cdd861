"""The vocabulary a contract is written in: every way two served APIs may differ is a named field here.

Handlers, presenters and the domain read these fields; none of them asks which API or version it
serves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sandbox.domain.listing import SortKey

# How a `filter[...]` value is read (`sandbox/api/params.py` holds one reader per kind):
#   cohort_list       comma list of years          cohort_single    the whole value as one year
#   since             a date-time (the resource compares it)
#   since_strict      a date-time compared strictly (after it)
#   since_inclusive   a date-time compared inclusively (at or after it)
#   text_list         comma list of ids             text_single      the whole value as a one-id list
#   one               the value as it is            training_status  one of active/deferred/withdrawn
#   uuid_list         comma list of UUIDs, any other element refused (400)
#   training_status_unpermitted   as training_status, a bad value refused as an unpermitted parameter (422)
FilterKind = Literal[
    "cohort_list",
    "cohort_single",
    "since",
    "since_strict",
    "since_inclusive",
    "text_list",
    "text_single",
    "one",
    "training_status",
    "uuid_list",
    "training_status_unpermitted",
]


@dataclass(frozen=True)
class Filter:
    key: str  # the name inside `filter[...]`
    field: str  # the domain filter's field it fills
    kind: FilterKind


@dataclass(frozen=True)
class Listing:
    """How a list reads its query. Filters are read in this order, so the first bad one answers."""

    filters: tuple[Filter, ...]
    reads_sort: bool = True  # False: the `sort` parameter is ignored
    default_sort: tuple[SortKey, ...] = ()  # used when `sort` is absent or blank


@dataclass(frozen=True)
class ECFParticipants:
    listing: Listing
    # One list item, single read and action answer: the user with every enrolment nested
    # ("participant"), or one flat row per profile ("enrolment", pages count these).
    unit: Literal["participant", "enrolment"]
    fields: tuple[str, ...]  # of the unit
    enrolment_fields: tuple[str, ...]  # of each nested enrolment, when the unit is "participant"
    csv_columns: tuple[str, ...] | None  # None: no CSV


@dataclass(frozen=True)
class Declarations:
    listing: Listing
    fields: tuple[str, ...]
    csv_columns: tuple[str, ...] | None
    requires_programme_side: bool  # a token without ECF or NPQ is refused (403)


@dataclass(frozen=True)
class NPQApplications:
    listing: Listing
    fields: tuple[str, ...]
    csv_columns: tuple[str, ...] | None
    accept_attributes: tuple[str, ...]  # what accept reads from `data.attributes`


@dataclass(frozen=True)
class NPQParticipants:
    listing: Listing
    fields: tuple[str, ...]
    enrolment_fields: tuple[str, ...]  # of each item of `npq_enrolments`
    enrolments_csv_columns: tuple[str, ...] | None  # the enrolments CSV; None: not served


@dataclass(frozen=True)
class Outcomes:
    fields: tuple[str, ...]
    participant_list_paged: bool = False  # whether one participant's outcomes read `page[...]`


@dataclass(frozen=True)
class QueryWording:
    """How a contract words its refusals of `filter` and `page` (the 400s of `sandbox.validation`)."""

    page: str
    filter_not_hash: tuple[str, str]  # (title, detail)
    since: str  # `{key}` is the filter's name


CPD_QUERY_WORDING = QueryWording(
    page="The '#/page[page]' and '#/page[per_page]' parameter values must be a valid number "
    "(equal and more than 1)",
    filter_not_hash=("Bad parameter", "Filter must be a hash"),
    since="The filter '#/{key}' must be a valid RCF3339 date",
)


@dataclass(frozen=True)
class Statements:
    listing: Listing
    fields: tuple[str, ...]
    output_fee_only: bool  # False: a single read answers any statement of the provider
    programme: str | None = None  # only statements of this programme ("npq"); None: `filter[type]` decides


@dataclass(frozen=True)
class DeliveryPartners:
    listing: Listing
    cohort_type: Literal["string", "integer"]  # how the `cohort` list shows start years
    # Which partnerships make a delivery partner the provider's: its ECF school partnerships' (the
    # operation then needs the ECF side), or the NPQ service's delivery partnerships.
    partnerships: Literal["ecf", "npq"] = "ecf"


@dataclass(frozen=True)
class Contract:
    """One served API: where it is mounted, its document, its shapes and its rules."""

    name: str  # unique; also the Connexion API name
    api: str  # the service whose API this is
    version: str
    mount: str  # base path of its operations
    spec: str  # file stem of its OpenAPI document in sandbox/specs
    spec_url: str  # where the document is served for download
    content_type: str
    error_shape: str  # the body of its errors, rendered by sandbox/errors.py
    # The operation modules of `sandbox/api` its document binds to (operationId `module.function`).
    resources: frozenset[str]
    ecf_participants: ECFParticipants | None  # None: the API has no ECF participants
    declarations: Declarations
    npq_applications: NPQApplications
    npq_participants: NPQParticipants
    outcomes: Outcomes
    # Which providers' tokens the API knows: "any" (sides are checked per operation, 403) or only
    # those with an NPQ side (any other token is unknown: 401).
    tokens: Literal["any", "npq"] = "any"
    query_wording: QueryWording = CPD_QUERY_WORDING
    statements: Statements | None = None
    delivery_partners: DeliveryPartners | None = None
    # Whose rules NPQ writes and reads follow (applications, participants, declarations, outcomes):
    # the ECF service's, or the standalone NPQ service's. The domain holds both, side by side.
    npq_rules: Literal["ecf-service", "npq-service"] = "ecf-service"
    # A participant id retired by a merge: read as the person it now points to, or answered `410`.
    retired_participant_ids: Literal["resolve", "gone"] = "resolve"
