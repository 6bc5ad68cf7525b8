"""What service changes, their evidence and the ladder hold of a person (see
codesign/personal_data.py)."""

from codesign import personal_data

from .models import (
    Evidence,
    FollowUpCheck,
    LadderRating,
    LadderVote,
    ReflectiveLogEntry,
    ServiceChange,
    TimelineEntry,
    YouSaidWeDid,
)

RECORD = "the change's record stays; who wrote it is named by pseudonym alone"

personal_data.holds_none(YouSaidWeDid)
# The owner in the project (a membership) is shown by the membership's name, which deleting
# the account turns into a pseudonym.
personal_data.register(ServiceChange, person="created_by", erase=personal_data.keep(RECORD))
personal_data.register(TimelineEntry, person="actor", erase=personal_data.keep(RECORD))
personal_data.register(FollowUpCheck, person="recorded_by", erase=personal_data.keep(RECORD))
personal_data.register(Evidence, person="created_by", erase=personal_data.keep(RECORD))
personal_data.register(
    LadderRating,
    person="opened_by",
    erase=personal_data.keep("the rating stays; who opened it is named by pseudonym alone"),
)
personal_data.register(
    LadderVote,
    person="membership__user",
    erase=personal_data.keep("a rating's results stay as they were counted"),
)
personal_data.register(
    ReflectiveLogEntry,
    person="author",
    erase=personal_data.keep(
        "the facilitators' log of the session; it names its author by pseudonym"
    ),
)
