"""How a reply reached us: on the site, or by a text message (``sessions.text_replies``).
An abstract model ``Reply`` inherits, so the replies page reads it with no query more."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReplyChannelFields(models.Model):
    by_text = models.BooleanField(_("answered by text message"), default=False)

    class Meta:
        abstract = True
