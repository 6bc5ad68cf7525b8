"""Writes for "you said, we did": its introduction, the summaries and the public link."""

from django.db import transaction

from ..models import ServiceChange, YouSaidWeDid, new_public_token


def _record_for_update(project) -> YouSaidWeDid:
    record, _created = YouSaidWeDid.objects.get_or_create(project=project)
    return YouSaidWeDid.objects.select_for_update().get(pk=record.pk)


@transaction.atomic
def you_said_update(
    *,
    project,
    introduction: str,
    summaries: dict[int, str],
    introduction_cy: str = "",
    summaries_cy: dict[int, str] | None = None,
) -> YouSaidWeDid:
    """Save the introduction and the facilitator's summary of what participants said per change,
    in English and (where given) Welsh."""
    record = _record_for_update(project)
    record.introduction = introduction
    record.introduction_cy = introduction_cy
    record.full_clean()
    record.save()
    summaries_cy = summaries_cy or {}
    changes = ServiceChange.objects.done().filter(project=project, pk__in=summaries)
    for change in changes.select_for_update():
        summary, summary_cy = summaries[change.pk], summaries_cy.get(change.pk, change.you_said_cy)
        if (change.you_said, change.you_said_cy) != (summary, summary_cy):
            change.you_said, change.you_said_cy = summary, summary_cy
            change.full_clean()
            change.save(update_fields=["you_said", "you_said_cy", "updated_at"])
    return record


@transaction.atomic
def you_said_set_public(*, project, public: bool) -> YouSaidWeDid:
    """Turn the public link on or off. Each time it is switched on it gets a new address, so
    a link shared before it was switched off never works again."""
    record = _record_for_update(project)
    if record.public != public:
        record.public = public
        if public:
            record.public_token = new_public_token()
        record.full_clean()
        record.save(update_fields=["public", "public_token"])
    return record


@transaction.atomic
def you_said_replace_public_token(*, project) -> YouSaidWeDid:
    """Give the public link a new address, so the old one stops working."""
    record = _record_for_update(project)
    record.public_token = new_public_token()
    record.full_clean()
    record.save(update_fields=["public_token"])
    return record
