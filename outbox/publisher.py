"""Hands committed outbox messages to the broker without making anyone wait for it.

The outbox row is the promise; publishing only makes delivery prompt. So a request never
talks to the broker itself: after its transaction commits, the message ids go to this
process's publishing thread, which tries each once (no retry, a short connection timeout).
When the broker is down, the first failure makes the thread drop what it is given for
``OUTBOX_PUBLISH_PAUSE_SECONDS``, and the beat sweep delivers those messages instead. With
eager tasks (tests) the task runs at once in the caller, as before.
"""

import logging
import os
import queue
import threading
import time

from django.conf import settings

logger = logging.getLogger(__name__)


class Publisher:
    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None
        self._queue: queue.SimpleQueue | None = None
        self._paused_until = 0.0

    def submit(self, message_ids: list[int]) -> None:
        """Publish these messages' delivery tasks, in the background unless tasks are eager."""
        from .tasks import outbox_deliver_task

        if outbox_deliver_task.app.conf.task_always_eager:
            self._publish(outbox_deliver_task, message_ids)
        elif message_ids:
            self._thread_queue().put(list(message_ids))

    def _thread_queue(self) -> queue.SimpleQueue:
        with self._lock:
            # A forked process (gunicorn's workers) starts its own thread.
            if self._pid != os.getpid():
                self._queue = queue.SimpleQueue()
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="outbox-publisher", daemon=True).start()
            return self._queue

    def _run(self) -> None:
        from .tasks import outbox_deliver_task

        while True:
            message_ids = self._queue.get()
            if time.monotonic() < self._paused_until:
                logger.warning("%s outbox messages left to the sweep", len(message_ids))
                continue
            self._publish(outbox_deliver_task, message_ids)

    def _publish(self, task, message_ids: list[int]) -> None:
        for position, message_id in enumerate(message_ids):
            try:
                task.apply_async((message_id,), retry=False)
            except Exception:
                self._paused_until = time.monotonic() + settings.OUTBOX_PUBLISH_PAUSE_SECONDS
                logger.warning(
                    "%s outbox messages not queued; the sweep will deliver them",
                    len(message_ids) - position,
                )
                return


publisher = Publisher()
