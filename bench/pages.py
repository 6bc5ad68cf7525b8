"""What the benchmark asks for, and as whom: the pages of the large project and its organisation.

People: a participant of the large project (a service user), the facilitator of every project,
and the organisation's manager (for the organisation dashboard, which is theirs). Each is signed
in with ``force_login``; the facilitator and the manager hold roles that need two-factor, and
have an authenticator app, as in production.
"""

import re
from dataclasses import dataclass, field

SEARCH_WORD = "carer"
BOARD_PAGES = ("board_first", "board_middle", "board_last", "board_search")
PAGES = {
    # key: (label, roles)
    "board_first": ("Board, first page", ("participant", "facilitator")),
    "board_middle": ("Board, middle page", ("participant", "facilitator")),
    "board_last": ("Board, last page", ("participant", "facilitator")),
    "board_search": (f"Board, search “{SEARCH_WORD}”", ("participant", "facilitator")),
    "contribution": ("Contribution with 10 comments", ("participant", "facilitator")),
    "session": ("Session page", ("participant", "facilitator")),
    "journey_map": ("Journey map", ("participant", "facilitator")),
    "project_dashboard": ("Project dashboard", ("facilitator",)),
    "organisation_dashboard": ("Organisation dashboard", ("manager",)),
}
PAGES_OF = re.compile(r"Page 1 of ([\d,]+)")


@dataclass
class Scenario:
    organisation: object
    project: object
    people: dict  # role: user
    featured: object  # the contribution with ten comments
    session: object
    clients: dict = field(default_factory=dict)  # role: signed-in test client

    def others(self) -> list:
        return list(self.people.values())


def scenario(organisation, project, *, featured_comments: int | None = None) -> Scenario:
    """Who asks, and for what, in the large project: its first active service user, the idea
    with ``featured_comments`` comments shown (seed_large's ``FEATURED_COMMENTS``) and fewest
    beyond, and a session in that participant's audience."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q

    from contributions.models import Contribution
    from participants.models import Constituency, Membership
    from projects.management.commands import seed_large
    from sessions.models import WorkshopSession

    User = get_user_model()
    participant = (
        Membership.objects.filter(
            project=project,
            role=Membership.Role.PARTICIPANT,
            status=Membership.Status.ACTIVE,
            constituency=Constituency.SERVICE_USER,
        )
        .order_by("pk")
        .first()
    )
    visible = Q(comments__hidden_at__isnull=True, comments__withdrawn_at__isnull=True)
    featured = (
        Contribution.objects.filter(project=project, kind=Contribution.Kind.IDEA)
        .annotate(shown=Count("comments", filter=visible))
        .filter(shown__gte=featured_comments or seed_large.FEATURED_COMMENTS)
        .order_by("shown", "pk")
        .first()
    )
    # A session in the participant's audience, an upcoming one for everyone if there is one.
    sessions = [
        session
        for session in WorkshopSession.objects.filter(project=project).order_by("-starts_at")
        if participant is not None and session.is_for(participant.constituency)
    ]
    sessions.sort(
        key=lambda s: (s.status != "scheduled", s.audience != WorkshopSession.Audience.EVERYONE)
    )
    session = sessions[0] if sessions else None
    if participant is None or featured is None or session is None:
        raise SystemExit(
            "The large project lacks a participant, an idea with comments or a session."
        )
    return Scenario(
        organisation=organisation,
        project=project,
        people={
            "participant": participant.user,
            "facilitator": User.objects.get(email=seed_large.FACILITATOR_EMAIL),
            "manager": User.objects.get(email=seed_large.MANAGER_EMAIL),
        },
        featured=featured,
        session=session,
    )


def sign_in(scene: Scenario) -> None:
    from django.test import Client

    for role, user in scene.people.items():
        client = Client()
        client.force_login(user)
        scene.clients[role] = client


def urls(scene: Scenario, role: str) -> dict:
    """The URL of each page the role is measured on."""
    from django.urls import reverse

    project = scene.project.pk
    board = reverse("contributions:board", args=[project])
    # Only those who see the board are asked how many pages it has.
    pages = board_pages(scene.clients[role], board) if role in PAGES["board_first"][1] else 1
    found = {
        "board_first": board,
        "board_middle": f"{board}?page={max(1, (pages + 1) // 2)}",
        "board_last": f"{board}?page={pages}",
        "board_search": f"{board}?q={SEARCH_WORD}",
        "contribution": reverse(
            "contributions:contribution-detail", args=[project, scene.featured.pk]
        ),
        "session": reverse("workshops:session-detail", args=[project, scene.session.pk]),
        "journey_map": reverse("contributions:touchpoint-map", args=[project]),
        "project_dashboard": reverse("dashboards:project", args=[project]),
        "organisation_dashboard": reverse("dashboards:organisation", args=[scene.organisation.pk]),
    }
    return {key: url for key, url in found.items() if role in PAGES[key][1]}


def board_pages(client, board_url: str) -> int:
    """How many pages the board has for this person, as its first page says ("Page 1 of N";
    no pages at all when everything fits on one)."""
    from .measure import NotOk

    response = client.get(board_url, secure=True)
    if response.status_code != 200:
        raise NotOk(f"GET {board_url} answered {response.status_code}; the benchmark needs 200.")
    html = response.content.decode()
    match = PAGES_OF.search(html)
    if match:
        return int(match.group(1).replace(",", ""))
    if 'aria-label="Pages"' in html:
        raise NotOk("The board's pages no longer say how many there are: teach bench/pages.py.")
    return 1


def participants_for_load(project, count: int) -> list:
    """Active participants of the project, for the throughput run's rotating sessions."""
    from participants.models import Membership

    members = Membership.objects.filter(
        project=project, role=Membership.Role.PARTICIPANT, status=Membership.Status.ACTIVE
    ).select_related("user")
    return [membership.user for membership in members.order_by("-pk")[:count]]
