"""A person's equality monitoring answers, and the population an organisation compares with."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .questions import QUESTIONS, choices


def _answer(question: str):
    return models.CharField(
        QUESTIONS[question][0], max_length=20, choices=choices(question), blank=True
    )


class EqualityResponse(models.Model):
    """One person's answers: optional, self-declared, given with explicit consent to their use
    as special-category data, and shown to no one except as counts of 5 or more."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="equality_response"
    )
    consented_at = models.DateTimeField()
    age_band = _answer("age_band")
    disability = _answer("disability")
    ethnicity = _answer("ethnicity")
    sex = _answer("sex")
    gender_identity = _answer("gender_identity")
    sexual_orientation = _answer("sexual_orientation")
    religion = _answer("religion")
    caring = _answer("caring")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Equality monitoring answers of user {self.user_id}"


class PopulationShare(models.Model):
    """The share of one answer in the population an organisation serves (e.g. its census)."""

    organisation = models.ForeignKey(
        "projects.Organisation", on_delete=models.CASCADE, related_name="population_shares"
    )
    question = models.CharField(max_length=30, choices=[(q, v[0]) for q, v in QUESTIONS.items()])
    answer = models.CharField(max_length=20)
    percent = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["organisation", "question", "answer"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "question", "answer"], name="one_population_share"
            )
        ]

    def __str__(self):
        return f"{self.question}={self.answer}: {self.percent}%"
