"""The outbox job that suggests themes: take the id, call the service (which leaves a run
already built alone, so a retry or a redelivery is a no-op)."""

from . import services


def theme_run_build_job(*, run_id: int) -> None:
    services.theme_run_build(run_id=run_id)
