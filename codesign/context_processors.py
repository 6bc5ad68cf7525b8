from django.conf import settings


def site(request):
    """Expose the few settings that templates need."""
    return {"CODESIGN_OPEN_SIGNUP": settings.CODESIGN_OPEN_SIGNUP}
