"""What other apps tell the outbox, so that the outbox imports none of them.

An app that classifies email registers its categories and which template belongs to which;
an app that lets people choose what they get registers a check every new email passes (as
``notifications`` does from its ``AppConfig.ready``). Without registrations every email is
sent and carries no category.
"""

from collections.abc import Callable, Iterable, Mapping

_categories: set[str] = set()
_template_categories: dict[str, str] = {}
_checks: list[Callable[[list], list]] = []


def register_email_categories(*, categories: Iterable[str], templates: Mapping[str, str]) -> None:
    """Declare categories of email and the category each email template belongs to."""
    _categories.update(str(category) for category in categories)
    _template_categories.update({name: str(category) for name, category in templates.items()})


def register_email_check(check: Callable[[list], list]) -> None:
    """Declare a check each new email passes: given unsaved outbox emails, it returns those
    that are still to be sent."""
    if check not in _checks:
        _checks.append(check)


def is_email_category(category: str) -> bool:
    return category in _categories


def category_for_template(template: str) -> str:
    """The category a template's email belongs to, or "" if it is always sent."""
    return _template_categories.get(template, "")


def emails_wanted(messages: list) -> list:
    """The emails every registered check lets through."""
    for check in _checks:
        messages = check(messages)
    return messages
