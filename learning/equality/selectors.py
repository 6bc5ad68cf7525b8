"""Who took part, as counts only: the equality monitoring answers of the people taking part in
an organisation's projects, each group under 5 not shown (nor one that subtraction from the
total would give away), beside the population the organisation entered."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from codesign.disclosure import MANAGERS_THRESHOLD, SMALL, disclose
from participants.models import Membership

from .models import EqualityResponse, PopulationShare
from .questions import QUESTIONS, choices


@dataclass
class AnswerRow:
    answer: str
    label: str
    shown: str
    share: str
    population: str
    gap: str


@dataclass
class QuestionTable:
    question: str
    label: str
    answered: int
    rows: list[AnswerRow]


def _percent(value) -> str:
    return "" if value is None else f"{value:.0f}%"


def equality_tables(organisation, projects) -> list[QuestionTable]:
    """One table per question: how many of the people taking part gave each answer."""
    people = Membership.objects.filter(
        project__in=projects, status=Membership.Status.ACTIVE, role=Membership.Role.PARTICIPANT
    ).values("user_id")
    responses = EqualityResponse.objects.filter(user__in=people)
    population = {
        (row.question, row.answer): row.percent
        for row in PopulationShare.objects.filter(organisation=organisation)
    }
    tables = []
    for question, (label, _answers) in QUESTIONS.items():
        counts = dict(
            responses.exclude(**{question: ""})
            .values(question)
            .annotate(people=Count("pk"))
            .values_list(question, "people")
        )
        tables.append(_table(question, label, counts, population))
    return tables


def _table(question, label, counts, population) -> QuestionTable:
    sizes = {value: counts.get(value, 0) for value, _label in choices(question)}
    answered = sum(sizes.values())
    shown_by = disclose(sizes, threshold=MANAGERS_THRESHOLD)
    rows = []
    for value, answer_label in choices(question):
        size = sizes[value]
        shown = shown_by.shown(value)
        if shown:
            text = str(size)
        elif shown_by.reason(value) == SMALL:
            text = _("fewer than %(n)s") % {"n": MANAGERS_THRESHOLD}
        else:
            text = _("not shown")
        share = size * 100 / answered if shown and answered else None
        known = population.get((question, value))
        gap = ""
        if share is not None and known is not None and value != "prefer_not":
            points = round(share - float(known))
            if points > 0:
                gap = _("%(n)s points more") % {"n": points}
            elif points < 0:
                gap = _("%(n)s points fewer") % {"n": -points}
            else:
                gap = _("as in the population")
        rows.append(
            AnswerRow(value, str(answer_label), text, _percent(share), _percent(known), gap)
        )
    return QuestionTable(question, str(label), answered, rows)
