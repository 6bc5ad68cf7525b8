from django.conf import settings

from . import release


def site(request):
    """Expose the few settings that templates need, and the code's release for the keys of
    fragments they keep with ``{% cache %}``."""
    return {
        "CODESIGN_OPEN_SIGNUP": settings.CODESIGN_OPEN_SIGNUP,
        "release": release.fingerprint(),
    }
