"""A session's language: its Welsh texts, the language it is held in, and which language each
invitee asked for (the Welsh Language Standards: a meeting in Welsh when enough invitees ask).

The fields live on abstract models that ``WorkshopSession``, ``AgendaItem`` and ``Reply``
inherit, so they sit on those rows and a page reads them with no query more.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from codesign.bilingual import Bilingual

# Prompt the facilitator to hold the session in Welsh (or with interpretation) once this share
# of those who answered asked for Welsh; an organisation may set its own.
DEFAULT_WELSH_PROMPT_PERCENT = 10


def welsh_prompt_percent() -> int:
    return getattr(settings, "CODESIGN_WELSH_PROMPT_PERCENT", DEFAULT_WELSH_PROMPT_PERCENT)


class HeldIn(models.TextChoices):
    ENGLISH = "en", _("In English")
    WELSH = "cy", _("In Welsh")
    INTERPRETED = "en_interpreted", _("In English with Welsh interpretation")
    BILINGUAL = "bilingual", _("In Welsh and English")


class LanguageWanted(models.TextChoices):
    WELSH = "cy", _("Welsh")
    ENGLISH = "en", _("English")


class SessionLanguageFields(Bilingual, models.Model):
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    notes_before_cy = models.TextField(_("to read beforehand, in Welsh"), blank=True)
    held_in = models.CharField(
        _("language of the session"),
        max_length=20,
        choices=HeldIn.choices,
        default=HeldIn.ENGLISH,
        help_text=_("Invitees are asked which language they want; you see the share below."),
    )

    class Meta:
        abstract = True


class AgendaItemLanguageFields(Bilingual, models.Model):
    title_cy = models.CharField(_("item in Welsh"), max_length=200, blank=True)

    class Meta:
        abstract = True


class ReplyLanguageFields(models.Model):
    language_wanted = models.CharField(
        _("language you want for this session"),
        max_length=2,
        choices=LanguageWanted.choices,
        blank=True,
    )

    class Meta:
        abstract = True
