"""Rounds with groups of given sizes, and the subtraction test every place that shows them
must pass: no group below the threshold can be worked out from what is shown."""

from contributions.rounds.services import round_close, round_open, round_vote
from participants.models import Constituency
from tests.factories import ContributionFactory, MembershipFactory

SU, STAFF, OTHER = "service_users", "staff", "other"
TITLES = ("Medicines ready the day before", "One phone number", "A large-print sheet")
# How each group's people spread their 3 dots.
SPREADS = {SU: (2, 1, 0), STAFF: (0, 2, 1), OTHER: (0, 0, 3)}
CONSTITUENCIES = {SU: Constituency.SERVICE_USER, STAFF: Constituency.STAFF, OTHER: "other"}


def round_with_groups(project, opened_by, *, su, staff, other=0, in_the_open=False, title=None):
    """A closed round on three ideas in which su, staff and other people voted."""
    author = MembershipFactory(project=project, constituency=Constituency.CARER)
    ideas = [ContributionFactory(project=project, author=author, title=t) for t in TITLES]
    prioritisation_round = round_open(
        project=project,
        title=title or f"Round of {su} and {staff}",
        dots_per_person=3,
        ideas=ideas,
        opened_by=opened_by,
        in_the_open=in_the_open,
    )
    sizes = {SU: su, STAFF: staff, OTHER: other}
    for group, n in sizes.items():
        for _ in range(n):
            membership = MembershipFactory(project=project, constituency=CONSTITUENCIES[group])
            round_vote(
                prioritisation_round=prioritisation_round,
                membership=membership,
                dots={idea.pk: c for idea, c in zip(ideas, SPREADS[group], strict=True) if c},
            )
    round_close(prioritisation_round=prioritisation_round)
    truth = {
        title: {group: sizes[group] * SPREADS[group][index] for group in sizes}
        for index, title in enumerate(TITLES)
    }
    return prioritisation_round, sizes, truth


def number(cell):
    text = str(cell).strip()
    return int(text) if text.isdigit() else None


def assert_nothing_worked_out(rows, sizes, truth, threshold):
    """``rows``: (idea title, all dots, service users' cell, staff cell) as shown anywhere.

    Every shown figure is right and of a group of no one or at least ``threshold``; what is
    not shown (all dots less the shown groups) is the dots of no one, of at least ``threshold``
    people together, or of everyone (no group shown: the room's result)."""
    assert {row[0] for row in rows} == set(truth)
    for title, total, su_cell, staff_cell in rows:
        assert number(total) == sum(truth[title].values())
        shown = {g: number(c) for g, c in ((SU, su_cell), (STAFF, staff_cell))}
        shown = {g: value for g, value in shown.items() if value is not None}
        for group, value in shown.items():
            assert value == truth[title][group]
            assert sizes[group] == 0 or sizes[group] >= threshold, (group, sizes)
        hidden = sum(n for group, n in sizes.items() if group not in shown)
        assert hidden == 0 or hidden >= threshold or not shown, (title, shown, sizes)


def shown_splits(rows) -> tuple[bool, bool]:
    """Whether the service users' and the staff's dots are shown in these rows."""
    return (
        all(number(row[2]) is not None for row in rows),
        all(number(row[3]) is not None for row in rows),
    )
