"""Method templates: each seeds a new project's editable stages (and EBCD its journey)."""

from django.utils.translation import gettext_lazy as _

EBCD_STAGES = [
    (
        _("Gather experiences"),
        _("Interviews, observation and a short trigger film with staff and service users."),
    ),
    (
        _("Find touchpoints"),
        _("Map the service journey and the moments where people felt strongly."),
    ),
    (_("Staff event"), _("Staff review their experiences and choose priorities.")),
    (
        _("Service user event"),
        _("Service users and carers review their experiences and choose priorities."),
    ),
    (
        _("Joint co-design event"),
        _("Staff and service users meet, share priorities and agree what to work on."),
    ),
    (_("Small co-design groups"), _("Groups of staff and service users work on each priority.")),
    (_("Celebration and review"), _("Celebrate what changed and agree what happens next.")),
]

DOUBLE_DIAMOND_STAGES = [
    (_("Discover"), _("Understand the problem with the people who live it.")),
    (_("Define"), _("Agree the challenge to work on.")),
    (_("Develop"), _("Generate and test ideas together.")),
    (_("Deliver"), _("Make the changes and check they work.")),
]

CUSTOM_STAGES = [
    (_("Getting started"), _("Rename, add or remove stages to suit the project.")),
]


def stages_for(method: str):
    """Return the (name, description) pairs a method template seeds."""
    return {
        "ebcd": EBCD_STAGES,
        "double_diamond": DOUBLE_DIAMOND_STAGES,
    }.get(method, CUSTOM_STAGES)


# The steps of a service journey as service users live it, where EBCD places touchpoints.
EBCD_JOURNEY = [
    _("Being told about the appointment"),
    _("Getting there"),
    _("Arriving"),
    _("Waiting"),
    _("Being seen"),
    _("Going home"),
]


def journey_for(method: str):
    """Return the journey step names a method template seeds (none but EBCD's)."""
    return EBCD_JOURNEY if method == "ebcd" else []
