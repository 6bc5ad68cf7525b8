import pytest

from outbox.services import outbox_sweep


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def run_worker():
    """Run what the worker would run now: every due outbox message, reports included."""
    return outbox_sweep
