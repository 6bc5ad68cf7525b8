import time

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from . import glossary, look


def healthz(request):
    """Answer the container health check: the process serves and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def safe_next(request, fallback: str = "") -> str:
    """The ``next`` address a form or link gives (the form's first), if it is a path of this
    site (``redirect`` takes anything else without a slash for the name of a view, and fails
    on a name there is none of); otherwise ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


class HelpView(TemplateView):
    """How to take part, for each kind of person, and the glossary of Codesign's words."""

    template_name = "public/help.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(terms=glossary.TERMS, **kwargs)


class AccessibilityView(TemplateView):
    """The accessibility statement, in the GOV.UK model's form."""

    template_name = "public/accessibility.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            controller_name=settings.CODESIGN_CONTROLLER_NAME,
            contact_email=settings.CODESIGN_CONTACT_EMAIL,
            site_url=settings.CODESIGN_SITE_URL,
            idle_minutes=settings.CODESIGN_IDLE_TIMEOUT // 60,
            **kwargs,
        )


class CookiesView(TemplateView):
    """The cookies Codesign sets, by the names the settings give them."""

    template_name = "public/cookies.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            session_cookie=settings.SESSION_COOKIE_NAME,
            csrf_cookie=settings.CSRF_COOKIE_NAME,
            language_cookie=settings.LANGUAGE_COOKIE_NAME,
            language_cookie_days=(settings.LANGUAGE_COOKIE_AGE or 0) // 86400,
            csrf_cookie_days=settings.CSRF_COOKIE_AGE // 86400,
            session_hours=settings.SESSION_COOKIE_AGE // 3600,
            **kwargs,
        )


@login_required
@require_POST
def stay_signed_in(request):
    """Restart the idle sign-out's clock (the page's "Stay signed in" button); answer with the
    seconds now left."""
    request.session["last_seen"] = int(time.time())
    return JsonResponse({"remaining": settings.CODESIGN_IDLE_TIMEOUT})


@require_GET
def organisation_logo(request, digest):
    """An organisation's logo: public (it is on its posters and emails), named by its digest,
    re-encoded when it was kept (codesign.look), and never read as anything but a PNG."""
    name = f"{look.LOGO_FOLDER}/{digest}.png"
    Organisation = apps.get_model("projects", "Organisation")
    if not Organisation.objects.filter(logo=name).exists() or not default_storage.exists(name):
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = 'inline; filename="logo.png"'
    return response


@require_GET
def look_stylesheet(request, background, text):
    """The colours of an organisation's header, as a stylesheet named by the colours
    themselves: pages load it instead of an inline style the CSP would refuse."""
    if look.contrast_ratio(f"#{background}", f"#{text}") < look.MIN_CONTRAST:
        raise Http404
    response = HttpResponse(look.stylesheet(background, text), content_type="text/css")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
