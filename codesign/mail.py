"""The email backend for a machine without a mail server (``make run``'s default).

Django's console backend prints whole messages, addresses and bodies included, into the
worker's log. This one saves each message whole as a ``.eml`` file in ``EMAIL_FILE_PATH``
(``var/mail/``, readable by whoever runs the machine, as a mailbox would be) and logs one
line naming its subject, Message-ID and file: a log keeps no address and no text.
"""

import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

logger = logging.getLogger(__name__)


class SavedMailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for email in email_messages:
            message = email.message()
            content = message.as_bytes()
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{hashlib.sha256(content).hexdigest()[:12]}"
            path = folder / f"{name}.eml"
            path.write_bytes(content)
            # The Message-ID's own part: the whole looks like an address, which logs redact.
            message_id = str(message.get("Message-ID", "-")).strip("<>").split("@")[0]
            logger.info("Email %r (Message-ID %s@…) saved as %s", email.subject, message_id, path)
            sent += 1
        return sent
