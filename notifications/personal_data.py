"""What notifications hold of a person: the bell's messages, email choices and digest claims
(see codesign/personal_data.py)."""

from codesign import personal_data
from codesign.personal_data import Section, when

from .models import DigestSent, EmailPreference, Notification


def _notification(n: Notification) -> dict:
    return {
        "project": n.project.title if n.project_id else "",
        "kind": n.kind,
        "message": n.message,
        "url": n.url,
        "created_at": when(n.created_at),
        "read_at": when(n.read_at),
    }


personal_data.register(
    EmailPreference,
    person="user",
    download=Section(
        "account.email_preferences",
        about="which kinds of email you chose to get",
        row=lambda p: {"category": p.category, "enabled": p.enabled},
        order_by=("category",),
    ),
    erase=personal_data.delete(),
)
personal_data.register(
    Notification,
    person="user",
    download=Section(
        "notifications",
        about="what Codesign told you under the bell",
        row=_notification,
        related=("project",),
    ),
    erase=personal_data.delete(),
)
personal_data.register(DigestSent, person="user", erase=personal_data.delete())
