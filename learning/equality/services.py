"""Writes of equality monitoring: a person's own answers, and an organisation's population."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EqualityResponse, PopulationShare
from .questions import QUESTIONS, choices


@transaction.atomic
def equality_answer(*, user, consent: bool, answers: dict[str, str]) -> EqualityResponse:
    """Save a person's answers, given their explicit consent (sending the same twice keeps one)."""
    if not consent:
        raise ValidationError({"consent": _("Tick the box to agree, or leave this page.")})
    response = EqualityResponse.objects.filter(user=user).first() or EqualityResponse(
        user=user, consented_at=timezone.now()
    )
    for question in QUESTIONS:
        setattr(response, question, answers.get(question, ""))
    response.full_clean()
    response.save()
    return response


@transaction.atomic
def equality_forget(*, user) -> int:
    """Delete a person's answers."""
    deleted, _by_model = EqualityResponse.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def population_set(*, organisation, question: str, shares: dict[str, Decimal | None]) -> None:
    """Set the population's shares of one question's answers (empty ones are removed)."""
    if question not in QUESTIONS:
        raise ValidationError({"question": _("Choose a question.")})
    given = {answer: share for answer, share in shares.items() if share is not None}
    known = {value for value, _label in choices(question)}
    if set(given) - known:
        raise ValidationError(_("Give shares of this question's answers only."))
    if sum(given.values(), Decimal(0)) > 100:
        raise ValidationError(_("The shares add up to more than 100%."))
    PopulationShare.objects.filter(organisation=organisation, question=question).delete()
    PopulationShare.objects.bulk_create(
        PopulationShare(organisation=organisation, question=question, answer=answer, percent=share)
        for answer, share in given.items()
    )
