import pytest
from django.test import override_settings


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_two_factor_gate():
    # The two-factor gate redirects before any form is shown; it has its own tests.
    with override_settings(CODESIGN_REQUIRE_MFA=False):
        yield
