import time

from django.conf import settings


def site(request):
    """Expose the few settings that templates need."""
    return {"CODESIGN_OPEN_SIGNUP": settings.CODESIGN_OPEN_SIGNUP}


def idle(request):
    """For a signed-in person: the seconds until the idle sign-out (accounts.middleware) and
    how long before it the page warns them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"idle_remaining": None}
    last_seen = request.session.get("last_seen", int(time.time()))
    return {
        "idle_remaining": max(settings.CODESIGN_IDLE_TIMEOUT - (int(time.time()) - last_seen), 0),
        "idle_warning": settings.CODESIGN_IDLE_WARNING,
    }
