"""The disclosure rule (codesign.disclosure): which groups a page may show beside a total."""

import itertools

import pytest

from codesign.disclosure import (
    COMPLEMENT,
    MANAGERS_THRESHOLD,
    SMALL,
    disclose,
    managers_threshold,
)

SU, STAFF, OTHER = "service_users", "staff", "other"


def rule(su, staff, other=0, *, threshold=3, **options):
    return disclose(
        {SU: su, STAFF: staff, OTHER: other}, threshold=threshold, columns=[SU, STAFF], **options
    )


@pytest.mark.parametrize(
    ("sizes", "threshold", "withheld"),
    [
        # The demo round: both groups at or above 3.
        ((5, 3, 0), 3, {}),
        # Staff below 3: hidden; service users too, or all dots less theirs would be the staff's.
        ((5, 2, 0), 3, {STAFF: SMALL, SU: COMPLEMENT}),
        # One "other" voter has no column: the smaller shown group is hidden with them.
        ((5, 3, 1), 3, {STAFF: COMPLEMENT}),
        # Two small groups that make the threshold together are hidden together, nothing more.
        ((5, 2, 1), 3, {STAFF: SMALL}),
        ((2, 2, 0), 3, {SU: SMALL, STAFF: SMALL}),
        # A group nobody in which voted holds no one to protect.
        ((5, 0, 0), 3, {}),
        # ...unless the total is then one small group's: then nothing is shown.
        ((2, 0, 0), 3, {SU: SMALL, STAFF: COMPLEMENT}),
        # A threshold of 5 for the same round.
        ((5, 3, 0), 5, {STAFF: SMALL, SU: COMPLEMENT}),
        ((6, 5, 0), 5, {}),
    ],
)
def test_examples_in_the_readme(sizes, threshold, withheld):
    assert dict(rule(*sizes, threshold=threshold).withheld) == withheld


@pytest.mark.parametrize("threshold", [2, 3, 4, 5])
def test_no_small_group_can_be_worked_out_by_subtraction(threshold):
    """For every size of three groups: what is not shown (the total less every shown group)
    holds nobody or at least the threshold, and every shown group is large enough (or empty)."""
    for su, staff, other in itertools.product(range(8), repeat=3):
        decision = rule(su, staff, other, threshold=threshold)
        sizes = {SU: su, STAFF: staff, OTHER: other}
        hidden = other + sum(sizes[g] for g in (SU, STAFF) if not decision.shown(g))
        nothing_shown = not (decision.shown(SU) or decision.shown(STAFF))
        # With no group shown, the total is the room's result, which is always shown.
        assert hidden == 0 or hidden >= threshold or nothing_shown, (su, staff, other)
        for group in (SU, STAFF):
            if decision.shown(group):
                assert sizes[group] == 0 or sizes[group] >= threshold
        # An empty group is shown only beside a total that is not one small group's.
        if decision.shown(SU) and decision.shown(STAFF):
            assert 0 in (su, staff) or (su >= threshold and staff >= threshold)


def test_a_round_voted_in_the_open_shows_every_group():
    decision = rule(5, 1, 1, in_the_open=True)
    assert decision.all_shown and decision.in_the_open


def test_a_professional_group_is_shown_whatever_its_size():
    decision = disclose(
        {"participants": 2, "facilitators": 1},
        threshold=3,
        total_shown=False,
        professional=["facilitators"],
    )
    assert decision.reason("participants") == SMALL
    assert decision.shown("facilitators")


def test_without_a_total_a_small_group_hides_only_itself():
    decision = disclose({"participants": 2, "facilitators": 4}, threshold=3, total_shown=False)
    assert dict(decision.withheld) == {"participants": SMALL}


def test_the_threshold_is_never_below_two():
    assert rule(1, 1, threshold=1).threshold == 2
    assert not rule(1, 1, threshold=1).shown(SU)


def test_managers_keep_five_or_the_projects_if_stricter():
    assert managers_threshold(3) == MANAGERS_THRESHOLD == 5
    assert managers_threshold(7) == 7
