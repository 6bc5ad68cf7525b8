import rules

from codesign import permissions as p
from codesign.predicates import can_manage_project, is_project_member


def _project(obj):
    return None if obj is None else (obj if obj._meta.label == "projects.Project" else obj.project)


@rules.predicate
def can_contribute(user, obj):
    """An active participant or facilitator (active means they consented) of an active project."""
    project = _project(obj)
    return (
        project is not None
        and project.status == "active"
        and bool(p.project_roles(user, project) & {p.FACILITATOR, p.PARTICIPANT})
    )


@rules.predicate
def project_is_active(user, obj):
    project = _project(obj)
    return project is not None and project.status == "active"


@rules.predicate
def is_author(user, obj):
    """The person wrote it (anonymous or not)."""
    return obj is not None and obj.author.user_id == user.pk


@rules.predicate
def is_not_withdrawn(user, obj):
    return obj is not None and obj.withdrawn_at is None


@rules.predicate
def is_not_hidden(user, obj):
    return obj is not None and obj.hidden_at is None


@rules.predicate
def is_idea(user, contribution):
    return contribution is not None and contribution.kind == "idea"


@rules.predicate
def round_is_open(user, prioritisation_round):
    return prioritisation_round is not None and prioritisation_round.status == "open"


@rules.predicate
def round_is_closed(user, prioritisation_round):
    return prioritisation_round is not None and prioritisation_round.status == "closed"


@rules.predicate
def round_is_in_the_open(user, prioritisation_round):
    return prioritisation_round is not None and prioritisation_round.in_the_open


@rules.predicate
def board_is_live(user, board):
    return board is not None and board.is_open and board.session.status == "in_progress"


def _session(obj):
    return obj.session if obj._meta.label == "contributions.LiveBoard" else obj


@rules.predicate
def is_in_session_audience(user, obj):
    """The person is in the audience of the session (of the live board)."""
    session = _session(obj)
    return session.is_for_member(p.project_membership(user, session.project))


@rules.predicate
def sees_session(user, obj):
    """The person may see the session (of the live board) as one of the project's people."""
    session = _session(obj)
    return session.is_seen_by_member(p.project_membership(user, session.project))


# Managers never see individual contributions: the board is for the project's own people.
can_see_board = can_manage_project | is_project_member

# On a project.
rules.add_perm("contributions.view_board", can_see_board)
rules.add_perm("contributions.add_contribution", can_contribute)
rules.add_perm("contributions.add_on_behalf", can_manage_project & project_is_active)
rules.add_perm("contributions.manage_tags", can_manage_project)
rules.add_perm("contributions.open_round", can_manage_project & project_is_active)

# On a contribution.
rules.add_perm("contributions.view_contribution", can_see_board & is_not_withdrawn)
rules.add_perm(
    "contributions.change_contribution", is_author & is_not_withdrawn & project_is_active
)
rules.add_perm("contributions.set_status", can_manage_project & is_idea)
rules.add_perm("contributions.tag_contribution", can_manage_project)
# The object's own facts first: asked of every card on the board, most of them not ideas.
rules.add_perm("contributions.support", is_idea & is_not_withdrawn & can_contribute)


def support_reads(contribution) -> tuple:
    """All that "contributions.support" reads of a contribution: a page of cards asks the rule
    once for each of these it shows (``contributions.cards.Page.may_support``), so a rule that
    reads more of it names it here too."""
    return (contribution.kind, contribution.withdrawn_at is None, contribution.project_id)


rules.add_perm("contributions.comment", can_contribute & is_not_withdrawn & is_not_hidden)
rules.add_perm("contributions.report", can_see_board)
# On a contribution or comment.
rules.add_perm("contributions.moderate", can_manage_project)
rules.add_perm("contributions.change_comment", is_author & is_not_withdrawn & project_is_active)
# What a hidden contribution or comment said: its author and the facilitators only.
rules.add_perm("contributions.view_hidden", can_manage_project | is_author)

# On a prioritisation round.
rules.add_perm("contributions.view_round", can_see_board)
rules.add_perm("contributions.vote", can_contribute & round_is_open)
rules.add_perm("contributions.view_round_results", can_see_board & round_is_closed)
rules.add_perm("contributions.close_round", can_manage_project & round_is_open)
# Once declared open, it stays open: its split may already have been seen.
rules.add_perm("contributions.declare_round_open", can_manage_project & ~round_is_in_the_open)

# On a session (opening its board) and on a live board.
rules.add_perm("contributions.run_live_board", can_manage_project)
rules.add_perm(
    "contributions.join_live_board", can_contribute & is_in_session_audience & board_is_live
)
# Whether the person may know a board with that code exists: its project's facilitators and
# admins, and members the session is for. Everyone else is told there is no open board.
rules.add_perm("contributions.view_live_board", can_manage_project | sees_session)
# A facilitator adds, from the big screen, for someone without a device.
rules.add_perm(
    "contributions.add_to_live_board_for", can_manage_project & project_is_active & board_is_live
)
