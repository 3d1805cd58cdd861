"""The real service's refusal texts that more than one rule shares, written once."""

from __future__ import annotations

PARTICIPANT_NOT_RECOGNISED = (
    "Your update cannot be made as the '#/participant_id' is not recognised. "
    "Check participant details and try again."
)
COURSE_MISSING = "Enter a '#/course_identifier' value for this participant."
COURSE_NOT_RECOGNISED = (
    "The entered '#/course_identifier' is not recognised for the given participant. "
    "Check details and try again."
)
CONTRACT_DATA_ISSUE = "There’s an issue with your contract data. Contact us so we can rectify this for you"

# change-schedule refusals, ECF and NPQ alike
WITHDRAWN_PARTICIPANT = "Cannot perform actions on a withdrawn participant"
INVALID_SCHEDULE = "The property '#/schedule_identifier' must be present and correspond to a valid schedule"
SCHEDULE_INVALID_FOR_COURSE = "Selected schedule is not valid for the course"
SCHEDULE_ALREADY_ON_PROFILE = "Selected schedule is already on the profile"
SCHEDULE_INVALIDATES_DECLARATIONS = (
    "Changing schedule would invalidate existing declarations. Please void them first."
)
CANNOT_CHANGE_COHORT = "You cannot change the '#/cohort' field"


def cohort_closed(year: int) -> str:
    return (
        f"You cannot submit or void declarations for the {year} cohort. The funding contract for this "
        "cohort has ended. Get in touch if you need to discuss this with us"
    )
