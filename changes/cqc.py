"""The Care Quality Commission's 34 quality statements, under its five key questions, by the
short names the CQC's assessment framework gives them. A service change may say which it
addresses; the organisation's learning view counts them."""

from django.utils.translation import gettext_lazy as _

KEY_QUESTIONS = [
    (
        _("Safe"),
        [
            ("safe-learning-culture", _("Learning culture")),
            ("safe-systems-pathways", _("Safe systems, pathways and transitions")),
            ("safe-safeguarding", _("Safeguarding")),
            ("safe-involving-risks", _("Involving people to manage risks")),
            ("safe-environments", _("Safe environments")),
            ("safe-staffing", _("Safe and effective staffing")),
            ("safe-infection-control", _("Infection prevention and control")),
            ("safe-medicines", _("Medicines optimisation")),
        ],
    ),
    (
        _("Effective"),
        [
            ("effective-assessing-needs", _("Assessing needs")),
            ("effective-evidence-based", _("Delivering evidence-based care and treatment")),
            ("effective-working-together", _("How staff, teams and services work together")),
            ("effective-healthier-lives", _("Supporting people to live healthier lives")),
            ("effective-outcomes", _("Monitoring and improving outcomes")),
            ("effective-consent", _("Consent to care and treatment")),
        ],
    ),
    (
        _("Caring"),
        [
            ("caring-kindness", _("Kindness, compassion and dignity")),
            ("caring-individuals", _("Treating people as individuals")),
            ("caring-independence", _("Independence, choice and control")),
            ("caring-immediate-needs", _("Responding to people’s immediate needs")),
            ("caring-workforce-wellbeing", _("Workforce wellbeing and enablement")),
        ],
    ),
    (
        _("Responsive"),
        [
            ("responsive-person-centred", _("Person-centred care")),
            ("responsive-continuity", _("Care provision, integration and continuity")),
            ("responsive-information", _("Providing information")),
            ("responsive-listening", _("Listening to and involving people")),
            ("responsive-equity-access", _("Equity in access")),
            ("responsive-equity-outcomes", _("Equity in experiences and outcomes")),
            ("responsive-planning", _("Planning for the future")),
        ],
    ),
    (
        _("Well-led"),
        [
            ("well-led-shared-direction", _("Shared direction and culture")),
            ("well-led-leaders", _("Capable, compassionate and inclusive leaders")),
            ("well-led-speak-up", _("Freedom to speak up")),
            ("well-led-workforce-edi", _("Workforce equality, diversity and inclusion")),
            ("well-led-governance", _("Governance, management and sustainability")),
            ("well-led-partnerships", _("Partnerships and communities")),
            ("well-led-learning", _("Learning, improvement and innovation")),
            (
                "well-led-environmental",
                _("Environmental sustainability – sustainable development"),
            ),
        ],
    ),
]

STATEMENTS = {key: label for _question, statements in KEY_QUESTIONS for key, label in statements}
QUESTION_OF = {
    key: question for question, statements in KEY_QUESTIONS for key, _label in statements
}


def labels(keys) -> list[str]:
    """The short names of these statements, in the framework's order."""
    wanted = set(keys)
    return [label for key, label in STATEMENTS.items() if key in wanted]
