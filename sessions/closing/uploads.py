"""The worker's side of uploaded pictures (outbox jobs): a session photo or a photographed
receipt, stored as sent by the request, becomes the copy people see.

Each job takes an id and does nothing unless the picture is still being processed, so a retry
or a second delivery is a no-op; a picture deleted meanwhile is left alone.
"""

import logging

from django.core.files.base import ContentFile
from django.db.models import QuerySet

from codesign.images import ImageStatus, UnreadableImage, image_clean

from ..models import ExpenseClaim, SessionPhoto

logger = logging.getLogger(__name__)


def _process(rows: QuerySet, *, field: str, status: str) -> str | None:
    """Replace a stored upload by its clean copy and mark it ready (or failed, if unreadable).

    Returns the new status, or None when there was nothing to do.
    """
    pending = {status: ImageStatus.PROCESSING}
    item = rows.filter(**pending).first()
    if item is None:
        return None
    upload = getattr(item, field)
    original, storage = upload.name, upload.storage
    try:
        with storage.open(original, "rb") as source:
            content = image_clean(source)
    except (UnreadableImage, FileNotFoundError) as error:
        if not rows.filter(**pending).update(**{status: ImageStatus.FAILED}):
            return None  # deleted meanwhile, with its file
        storage.delete(original)
        logger.warning("%s %s could not be read (%s)", rows.model.__name__, item.pk, error)
        return ImageStatus.FAILED
    name = storage.save(upload.field.generate_filename(item, "clean.jpg"), ContentFile(content))
    done = rows.filter(**pending, **{field: original}).update(
        **{field: name, status: ImageStatus.READY}
    )
    # The upload as sent goes once its copy is in place; a copy nobody took is not kept.
    storage.delete(original if done else name)
    return ImageStatus.READY if done else None


def session_photo_process(*, photo_id: int) -> str | None:
    """Make a stored session photo fit to show: upright, shrunk, stripped of metadata."""
    return _process(
        SessionPhoto.objects.filter(pk=photo_id),
        field="image",
        status="image_status",
    )


def expense_receipt_process(*, claim_id: int) -> str | None:
    """Make a photographed receipt fit to show: upright, shrunk, stripped of metadata."""
    return _process(
        ExpenseClaim.objects.filter(pk=claim_id),
        field="receipt",
        status="receipt_status",
    )
