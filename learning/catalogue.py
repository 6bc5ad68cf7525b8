"""The catalogue every organisation starts with, drawn from the realist synthesis of
co-production (Farr, "Collaboration in public services: can service users and staff
participate together?"). Organisation admins edit it from there.

Each entry: (lens, name, what is offered, how people respond, description). Only mechanisms
have the two halves.
"""

STARTING_CATALOGUE = [
    (
        "mechanism",
        "Hearing experiences first-hand",
        "Staff hear service users' stories first-hand, in their own words.",
        "Staff see the service through patients' eyes and want to change it.",
        "",
    ),
    (
        "mechanism",
        "Seeing ideas acted on",
        "Service users are told what happened to their ideas, and see changes made.",
        "They trust the process and keep taking part.",
        "",
    ),
    (
        "mechanism",
        "Working side by side as equals",
        "Staff and service users work in small mixed groups, without titles or uniforms.",
        "People treat each other as peers and speak more freely.",
        "",
    ),
    (
        "mechanism",
        "A shared picture of the problem",
        "Everyone sees the same journey map, figures or film of the service.",
        "People agree on what matters most and stop defending their own part.",
        "",
    ),
    (
        "mechanism",
        "Recognition for taking part",
        "Service users are paid for their time and thanked in public.",
        "They feel valued as experts and commit to the work.",
        "",
    ),
    (
        "practice",
        "A sponsor who can authorise change",
        "",
        "",
        "A senior person who owns the project and can agree changes beyond the team.",
    ),
    (
        "practice",
        "Protected time for staff",
        "",
        "",
        "Staff are released from duties to take part, rather than coming on their day off.",
    ),
    (
        "practice",
        "Independent facilitation",
        "",
        "",
        "Sessions are led by someone outside the service's line management.",
    ),
    (
        "practice",
        "Telling people what changed",
        "",
        "",
        "A \u201cyou said, we did\u201d answer to everyone who took part.",
    ),
    (
        "context",
        "Service under staffing pressure",
        "",
        "",
        "Vacancies, sickness or high demand leave staff little slack.",
    ),
    (
        "context",
        "Stable team with time to reflect",
        "",
        "",
        "Staff have worked together for some time and have room to try things.",
    ),
    (
        "context",
        "Change needs approval beyond the team",
        "",
        "",
        "What people propose depends on a board, another service or a commissioner.",
    ),
    (
        "context",
        "Service users with past bad experiences",
        "",
        "",
        "People come with mistrust of the service, from how they were treated before.",
    ),
    (
        "power",
        "Staff dominate the discussion",
        "",
        "",
        "Staff speak first and most; service users hold back.",
    ),
    (
        "power",
        "Professional hierarchy in the room",
        "",
        "",
        "Senior clinicians or managers are deferred to by staff and service users alike.",
    ),
    (
        "power",
        "Decisions made outside the room",
        "",
        "",
        "The group can suggest but not decide; others decide later, out of sight.",
    ),
]
