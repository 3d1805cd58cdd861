"""The vocabulary a contract is written in: every way two served APIs may differ is a named field here.

Handlers, presenters and the domain read these fields; none of them asks which API or version it
serves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sandbox.domain.declarations.reads import EVERY_DECLARATION, DeclarationScope
from sandbox.domain.listing import SortKey

# How a `filter[...]` value is read (`sandbox/api/params.py` holds one reader per kind):
#   cohort_list       comma list of years          cohort_single    the whole value as one year
#   since             a date-time (the resource compares it)
#   since_strict      a date-time compared strictly (after it)
#   since_inclusive   a date-time compared inclusively (at or after it)
#   text_list         comma list of ids             text_single      the whole value as a one-id list
#   uuid_list         comma list of ids, items that are not UUIDs dropped
#   uuid_list_strict  comma list of ids, refused (400) when any item is not a UUID
#   one               the value as it is            training_status  one of active/deferred/withdrawn
FilterKind = Literal[
    "cohort_list",
    "cohort_single",
    "since",
    "since_strict",
    "since_inclusive",
    "text_list",
    "uuid_list",
    "uuid_list_strict",
    "text_single",
    "one",
    "training_status",
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
    # What `participant_status` is read from: the induction record (the Manage-CPD service), or the
    # record as a RECT training period (withdrawn and deferred ones have `left`; rect.md §5.1).
    participant_status_of: Literal["induction_record", "training_period"] = "induction_record"
    # Whose withdraw, defer, resume and change-schedule rules apply: the Manage-CPD service's (a status
    # on the profile and its record) or RECT's (training periods ended or started, rect.md §6.1).
    actions: Literal["manage-cpd", "rect"] = "manage-cpd"
    # Whose transfers it lists: the Manage-CPD service's (leaving records paired with joining ones, UTC
    # days) or RECT's (school periods and their training periods, school-led included; rect.md §5.7).
    transfers: Literal["manage-cpd", "rect"] = "manage-cpd"
    # Withdrawal reasons this contract words otherwise: a reason recorded through the other ECF contract
    # that this one's spec does not list, shown as its closest listed value.
    withdrawal_reason_words: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Declarations:
    listing: Listing
    fields: tuple[str, ...]
    csv_columns: tuple[str, ...] | None
    requires_programme_side: bool  # a token without ECF or NPQ is refused (403)
    scope: DeclarationScope = EVERY_DECLARATION  # which declarations exist through this contract
    # Whose submit and void rules apply: the Manage-CPD service's, RECT's (2025 sequence, evidence per
    # type, no `ineligible`, one message per refusal), or the NPQ service's (delivery partners, 403 to
    # another maker, refusals titled `declaration`).
    rules: Literal["manage-cpd", "rect", "npq"] = "manage-cpd"


@dataclass(frozen=True)
class NPQApplications:
    listing: Listing
    fields: tuple[str, ...]
    csv_columns: tuple[str, ...] | None
    accept_attributes: tuple[str, ...]  # what accept reads from `data.attributes`
    # Whether `teacher_reference_number` shows only once the TRN is verified (the NPQ service: null before).
    trn_verified_only: bool = False
    # Whether an archived person's `email` shows null (the NPQ service; the old one never archived).
    archived_email_null: bool = False


@dataclass(frozen=True)
class NPQParticipants:
    listing: Listing
    fields: tuple[str, ...]
    enrolment_fields: tuple[str, ...]  # of each item of `npq_enrolments`
    enrolments_csv_columns: tuple[str, ...] | None  # the enrolments CSV; None: not served
    trn_verified_only: bool = False  # as for applications: a person's TRN shows once verified
    archived_email_null: bool = False  # as for applications, in each of `npq_enrolments`


@dataclass(frozen=True)
class Outcomes:
    fields: tuple[str, ...]
    participant_list_paged: bool = False  # whether one participant's outcomes read `page[...]`


@dataclass(frozen=True)
class Queries:
    """How a contract words its refusals of query values and request bodies, and what it does with a
    training status it does not know."""

    page_message: str
    since_message: str  # `{key}` is the filter's name
    # "refuse": 400; "unpermitted": 422 titled `Unpermitted parameters`; "match_nothing": no error.
    unknown_training_status: Literal["refuse", "unpermitted", "match_nothing"]
    structure_message: str  # a write body without `data` (or, when required, known attributes)
    attributes_required: bool  # a write with no attribute the operation reads is refused (400)
    filter_not_hash: tuple[str, str] = ("Bad parameter", "Filter must be a hash")  # (title, detail)


@dataclass(frozen=True)
class Shapes:
    """The attributes of the resources only the newer contracts have, in the order they show them."""

    statement: tuple[str, ...]
    partnership: tuple[str, ...]
    school: tuple[str, ...]
    # Induction programme choices this contract words otherwise (RECT has three).
    programme_choice_words: tuple[tuple[str, str], ...] = ()
    delivery_partner_cohorts: Literal["string", "integer"] = "string"  # the `cohort` list of a partner
    delivery_partner: tuple[str, ...] = ("name", "cohort", "created_at", "updated_at")
    # Whose partnership create and update rules apply: the Manage-CPD service's (challenges, one provider
    # per school and cohort) or RECT's (no challenges, several providers, same-partner update refused).
    partnership_rules: Literal["manage-cpd", "rect"] = "manage-cpd"
    # Whose unfunded-mentor rules apply: the Manage-CPD service's, or RECT's (current mentorships only,
    # the email of the mentor's stay at the mentee's school, a stamp a new mentee does not move).
    unfunded_mentor_rules: Literal["manage-cpd", "rect"] = "manage-cpd"


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
    ecf_participants: ECFParticipants
    declarations: Declarations
    npq_applications: NPQApplications
    npq_participants: NPQParticipants
    outcomes: Outcomes
    queries: Queries
    shapes: Shapes
    # The programmes it serves: "ecf" (or "npq") knows only the tokens of providers with an ECF (NPQ)
    # side, others getting 401, and shows only that programme's statements and declarations.
    sides: Literal["any", "ecf", "npq"] = "any"
    # Whose rules NPQ writes and reads follow (applications, participants, declarations, outcomes,
    # delivery partners): the ECF service's, or the standalone NPQ service's. The domain holds both.
    npq_rules: Literal["ecf-service", "npq-service"] = "ecf-service"
    # Where its days begin (milestone windows, "today", X-With-Server-Date without an offset).
    time_zone: str = "UTC"
