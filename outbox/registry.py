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
_failure_handlers: list[Callable] = []
_inbound_text_handlers: list[Callable] = []


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


def register_delivery_failed(handler: Callable) -> None:
    """Declare what to do when a message could not reach its recipient for good (a refused
    number, Notify's permanent failure): ``handler(message)``, called once per message, in
    the transaction that records the failure."""
    if handler not in _failure_handlers:
        _failure_handlers.append(handler)


def delivery_failed(message) -> None:
    for handler in _failure_handlers:
        handler(message)


def register_inbound_text_handler(handler: Callable) -> None:
    """Declare who reads texts people send in: ``handler(inbound)`` sets the inbound text's
    outcome (and project, sender) and returns the text to send back, or None if it leaves the
    text to the next handler."""
    if handler not in _inbound_text_handlers:
        _inbound_text_handlers.append(handler)


def inbound_text_handle(inbound) -> str | None:
    for handler in _inbound_text_handlers:
        answer = handler(inbound)
        if answer is not None:
            return answer
    return None
