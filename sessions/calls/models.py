from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CallListEntry(models.Model):
    """One thing to tell one person about a session, by phone or in person.

    ``occasion`` names what happened (``cancelled``, ``changed:3``, ``reminder:48``,
    ``failed:<message id>``, ``place:<reply id>:<time>``): the same occasion never adds a
    second row, so a retried service or a second beat adds nobody twice. Ticking "told" marks
    all of a person's open rows for the session: they were told where things stand.
    """

    class Reason(models.TextChoices):
        SCHEDULED = "scheduled", _("Invited to the session")
        CHANGED = "changed", _("The time or place changed")
        CANCELLED = "cancelled", _("The session is cancelled")
        REMINDER = "reminder", _("Reminder before the session")
        MESSAGE_FAILED = "message_failed", _("A message to them could not be delivered")
        PLACE_FREED = "place_freed", _("A place came free: they are now going")

    session = models.ForeignKey(
        "workshops.WorkshopSession", on_delete=models.CASCADE, related_name="call_list"
    )
    membership = models.ForeignKey(
        "participants.Membership", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    occasion = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)
    told_at = models.DateTimeField(_("told"), null=True, blank=True)
    told_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["session", "membership", "created_at", "pk"]
        verbose_name = _("call list entry")
        verbose_name_plural = _("call list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "membership", "occasion"], name="one_call_per_occasion"
            )
        ]
        indexes = [models.Index(fields=["session", "told_at"], name="call_list_open")]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.membership_id} for session {self.session_id}"
